namespace RoamingGrpc.Domain.Sessions;

/// <summary>What a station reports about a session. Values equal the contract's SessionEventType.</summary>
public enum SessionEvent
{
    /// <summary>Energy transfer started: Pending to Active.</summary>
    Started = 1,

    /// <summary>Energy transfer paused by the EV or the EVSE; the session stays Active.</summary>
    Suspended = 2,

    /// <summary>Energy transfer resumed after a suspension.</summary>
    Resumed = 3,

    /// <summary>Charging finished, the EV is still connected: parking time starts.</summary>
    ChargingEnded = 4,

    /// <summary>The session ended: Active to Completed.</summary>
    Stopped = 5,

    /// <summary>The energy transfer never started: Pending to Invalid.</summary>
    StartFailed = 6,
}
