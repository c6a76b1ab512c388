namespace RoamingGrpc.Domain.Parties;

/// <summary>A partner as recorded in the registry; <see cref="Revision"/> grows with every write of the record.</summary>
public sealed record Partner(
    PartyIdentity Identity,
    string? EndpointUrl,
    string DisplayName,
    IReadOnlyList<PartnerUseCase> UseCases,
    PartnerStatus Status,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime,
    DateTimeOffset? InboundHandshakeTime,
    DateTimeOffset? OutboundHandshakeTime,
    long Revision);
