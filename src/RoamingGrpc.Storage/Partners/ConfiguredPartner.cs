using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Storage.Partners;

/// <summary>A partner named in configuration: who it is and, when known, where to reach it.</summary>
public sealed record ConfiguredPartner(PartyIdentity Identity, string? EndpointUrl);
