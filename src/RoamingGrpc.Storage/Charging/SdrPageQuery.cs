namespace RoamingGrpc.Storage.Charging;

/// <summary>
/// One page of a provider's SDRs: optionally by service end (<c>[EndFrom, EndBefore)</c>) and statuses; full listings
/// walk by id, deltas (<see cref="UpdatedSince"/>) by change order.
/// </summary>
public sealed record SdrPageQuery(
    string Provider,
    long? UpdatedSince,
    long? EndFrom,
    long? EndBefore,
    IReadOnlyList<long> Statuses,
    string? AfterSdrId,
    long? AfterChangeSeq,
    int Limit);
