namespace RoamingGrpc.Storage.PartnerData;

/// <summary>A partner CSO's record (site, tariff, ...) as this CSP holds it.</summary>
public sealed record ReceivedRecord(string Cso, string Kind, string RecordId, long Version, long UpdateTime, long RemovedFlag, byte[] Payload)
{
    /// <summary>True for a tombstone.</summary>
    public bool Removed => RemovedFlag != 0;
}
