namespace RoamingGrpc.Domain.Parties;

/// <summary>A partner as recorded in the registry.</summary>
public sealed record Partner(
    PartyIdentity Identity,
    string? EndpointUrl,
    string DisplayName,
    IReadOnlyList<PartnerUseCase> UseCases,
    PartnerStatus Status,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime,
    DateTimeOffset? InboundHandshakeTime,
    DateTimeOffset? OutboundHandshakeTime);
