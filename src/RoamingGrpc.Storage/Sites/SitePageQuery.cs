namespace RoamingGrpc.Storage.Sites;

/// <summary>
/// One page of a site listing. A full listing (no <see cref="UpdatedSince"/>) walks current sites by id, so each
/// appears exactly once even while sites change; a delta walks changes in the order they were made, tombstones
/// included, so every change at or after <see cref="UpdatedSince"/> is seen.
/// </summary>
public sealed record SitePageQuery(
    long? UpdatedSince,
    string? CountryCode,
    string? AfterSiteId,
    long? AfterChangeSeq,
    int Limit);
