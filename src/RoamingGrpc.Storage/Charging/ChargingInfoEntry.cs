namespace RoamingGrpc.Storage.Charging;

/// <summary>One entry of the charging-information log: for one provider, a ChargingInfo (kind 1) or a CommandResult (kind 2).</summary>
public sealed record ChargingInfoEntry(long Sequence, string Provider, string SessionId, long Kind, byte[] Payload) : ILogEntry
{
    /// <summary>Kind of an entry carrying a ChargingInfo.</summary>
    public const long ChargingInfoKind = 1;

    /// <summary>Kind of an entry carrying a CommandResult.</summary>
    public const long CommandResultKind = 2;
}
