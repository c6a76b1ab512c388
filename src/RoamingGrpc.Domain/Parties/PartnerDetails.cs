namespace RoamingGrpc.Domain.Parties;

/// <summary>What a partner states about itself in a UC1-1 handshake.</summary>
public sealed record PartnerDetails(
    PartyIdentity Identity,
    string EndpointUrl,
    string DisplayName,
    IReadOnlyList<PartnerUseCase> UseCases)
{
    /// <summary>True when every stated detail equals <paramref name="other"/>'s.</summary>
    public bool SameAs(PartnerDetails other) =>
        Identity == other.Identity
        && EndpointUrl == other.EndpointUrl
        && DisplayName == other.DisplayName
        && UseCases.SequenceEqual(other.UseCases);
}
