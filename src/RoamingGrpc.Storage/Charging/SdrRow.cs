namespace RoamingGrpc.Storage.Charging;

/// <summary>A stored SDR: filter and order columns and the SDR as encoded by the contract. Origin: session, credit or correction.</summary>
public sealed record SdrRow(
    string SdrId,
    string Provider,
    string SessionId,
    string Origin,
    long Status,
    long EndTime,
    long UpdateTime,
    long ChangeSeq,
    long Version,
    byte[] Payload);
