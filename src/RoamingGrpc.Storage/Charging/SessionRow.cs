namespace RoamingGrpc.Storage.Charging;

/// <summary>A stored session: filter and order columns, the session and its latest charging information as encoded by the contract.</summary>
public sealed record SessionRow(
    string SessionId,
    string Provider,
    string EvseId,
    long State,
    long Version,
    long UpdateTime,
    long ChangeSeq,
    byte[] Payload,
    byte[]? Info);
