namespace RoamingGrpc.Storage.Partners;

/// <summary>A row of the <c>partners</c> table as Dapper reads it.</summary>
internal sealed record PartnerRow(
    string Role,
    string PartyId,
    string? EndpointUrl,
    string DisplayName,
    string UseCases,
    string Status,
    long CreateTime,
    long UpdateTime,
    long? InboundHandshakeTime,
    long? OutboundHandshakeTime,
    long Revision);
