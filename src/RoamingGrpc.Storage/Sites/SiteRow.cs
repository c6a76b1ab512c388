namespace RoamingGrpc.Storage.Sites;

/// <summary>A stored site: the filter and order columns, and the complete site as encoded by the contract.</summary>
public sealed record SiteRow(
    string SiteId,
    long Version,
    long ChangeSeq,
    long UpdateTime,
    long RemovedFlag,
    string CountryCode,
    byte[] Payload)
{
    /// <summary>True for a tombstone.</summary>
    public bool Removed => RemovedFlag != 0;
}
