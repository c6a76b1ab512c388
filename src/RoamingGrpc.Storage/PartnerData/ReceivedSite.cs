namespace RoamingGrpc.Storage.PartnerData;

/// <summary>A partner CSO's site as this CSP holds it.</summary>
public sealed record ReceivedSite(string Cso, string SiteId, long Version, long UpdateTime, long RemovedFlag, byte[] Payload)
{
    /// <summary>True for a tombstone.</summary>
    public bool Removed => RemovedFlag != 0;
}
