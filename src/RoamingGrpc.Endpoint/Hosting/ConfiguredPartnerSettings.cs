using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// A partner from configuration, validated: its URL when the operator knows it, otherwise the URLs it may state in its
/// handshake (empty: the hosts its certificate names).
/// </summary>
internal sealed record ConfiguredPartnerSettings(PartyIdentity Identity, Uri? Url, IReadOnlyList<PartnerUrlPattern> AllowedUrls);
