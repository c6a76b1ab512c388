namespace RoamingGrpc.Storage.Support;

/// <summary>
/// One page of a notice listing, in the order of changes. Without <see cref="UpdatedSince"/>: the current notices
/// (SCHEDULED, ACTIVE; with <see cref="IncludeEnded"/> also ENDED and CANCELED); with it: every notice changed at or
/// after that time. <see cref="SiteId"/> and <see cref="EvseId"/> keep the notices that affect them.
/// </summary>
public sealed record MaintenancePageQuery(
    long? UpdatedSince,
    bool IncludeEnded,
    string? SiteId,
    string? EvseId,
    long? AfterChangeSeq,
    int Limit);
