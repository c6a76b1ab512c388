using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>A partner from configuration, validated.</summary>
internal sealed record ConfiguredPartnerSettings(PartyIdentity Identity, Uri? Url);
