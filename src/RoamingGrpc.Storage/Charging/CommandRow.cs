namespace RoamingGrpc.Storage.Charging;

/// <summary>A command a partner sent: the station's view of it and, once known, its outcome, as encoded by the contract.</summary>
public sealed record CommandRow(
    string CommandId,
    string Provider,
    long CommandType,
    string? SessionId,
    string? EvseId,
    long IsOpenFlag,
    long DeadlineTime,
    byte[] Payload,
    byte[]? Result)
{
    /// <summary>True while no outcome is known.</summary>
    public bool IsOpen => IsOpenFlag != 0;
}
