namespace RoamingGrpc.Domain.Sessions;

/// <summary>
/// The session state machine of the visited-CSO (contract <c>SessionState</c>): Pending -> Active -> Completed;
/// Pending -> Invalid; Reserved -> Pending when the reserving token starts. Completed and Invalid are final.
/// Inside Active, the activity (charging or parking) follows suspend, resume and charging-ended events.
/// </summary>
public static class SessionLifecycle
{
    /// <summary>The state after <paramref name="sessionEvent"/>; throws <see cref="SessionTransitionException"/> when not allowed.</summary>
    public static SessionPhase Next(SessionPhase phase, SessionEvent sessionEvent) => (phase, sessionEvent) switch
    {
        (SessionPhase.Pending, SessionEvent.Started) => SessionPhase.Active,
        (SessionPhase.Pending, SessionEvent.StartFailed) => SessionPhase.Invalid,
        (SessionPhase.Active, SessionEvent.Suspended or SessionEvent.Resumed or SessionEvent.ChargingEnded) => SessionPhase.Active,
        (SessionPhase.Active, SessionEvent.Stopped) => SessionPhase.Completed,
        _ => throw new SessionTransitionException(phase, sessionEvent),
    };

    /// <summary>The activity an event starts, or null when it does not change the activity (start failed, stopped).</summary>
    public static SessionActivity? ActivityAfter(SessionEvent sessionEvent) => sessionEvent switch
    {
        SessionEvent.Started or SessionEvent.Resumed => SessionActivity.Charging,
        SessionEvent.Suspended or SessionEvent.ChargingEnded => SessionActivity.Parking,
        _ => null,
    };

    /// <summary>True for the final states.</summary>
    public static bool IsFinal(SessionPhase phase) => phase is SessionPhase.Completed or SessionPhase.Invalid;

    /// <summary>True while the session holds its EVSE (another user cannot start there).</summary>
    public static bool HoldsEvse(SessionPhase phase) => phase is SessionPhase.Pending or SessionPhase.Active or SessionPhase.Reserved;
}
