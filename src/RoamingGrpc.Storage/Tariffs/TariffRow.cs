namespace RoamingGrpc.Storage.Tariffs;

/// <summary>A stored tariff: the filter and order columns, and the complete tariff as encoded by the contract.</summary>
public sealed record TariffRow(
    string TariffId,
    long Version,
    long ChangeSeq,
    long UpdateTime,
    long RemovedFlag,
    string? TargetProvider,
    byte[] Payload)
{
    /// <summary>True for a tombstone.</summary>
    public bool Removed => RemovedFlag != 0;
}
