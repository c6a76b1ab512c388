namespace RoamingGrpc.Storage.Charging;

/// <summary>
/// The session states the session SQL names. <c>sessions.state</c> holds the contract's SessionState numbers, so
/// these are the contract's numbers, frozen by v1 (never renumbered); a test compares each with the generated enum.
/// </summary>
internal static class SessionStates
{
    /// <summary>SESSION_STATE_PENDING: authorized or commanded, not started yet; holds its EVSE.</summary>
    public const long Pending = 1;

    /// <summary>SESSION_STATE_ACTIVE: the energy transfer session runs; holds its EVSE.</summary>
    public const long Active = 2;

    /// <summary>SESSION_STATE_RESERVED: holds its EVSE for a reservation.</summary>
    public const long Reserved = 5;
}
