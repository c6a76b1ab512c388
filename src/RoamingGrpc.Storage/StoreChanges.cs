namespace RoamingGrpc.Storage;

/// <summary>
/// What a unit of write work changed that someone may be waiting for: each store marks the change on the
/// <see cref="WriteContext"/> when it writes it, and <see cref="CommitNotifier"/> wakes the waiters once the
/// transaction committed.
/// </summary>
[Flags]
public enum StoreChanges
{
    /// <summary>Nothing anyone waits for.</summary>
    None = 0,

    /// <summary>Entries were queued in the outbox (durable pushes to partners).</summary>
    Outbox = 1,

    /// <summary>The EVSE status log grew (status streams).</summary>
    StatusLog = 2,

    /// <summary>The charging-information log grew (charging-information streams).</summary>
    ChargingLog = 4,

    /// <summary>A command for the stations was opened (station command streams).</summary>
    StationCommands = 8,

    /// <summary>An issued token changed (token list distribution).</summary>
    Tokens = 16,
}
