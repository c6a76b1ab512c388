namespace RoamingGrpc.Storage.Support;

/// <summary>
/// The maintenance notice states the maintenance SQL names. <c>maintenance_notices.state</c> holds the contract's
/// MaintenanceNoticeState numbers, so these are the contract's numbers, frozen by v1 (never renumbered); a test
/// compares each with the generated enum.
/// </summary>
internal static class MaintenanceNoticeStates
{
    /// <summary>MAINTENANCE_NOTICE_STATE_SCHEDULED: published, its start is in the future.</summary>
    public const long Scheduled = 1;

    /// <summary>MAINTENANCE_NOTICE_STATE_ACTIVE: in effect, the affected EVSEs are unavailable.</summary>
    public const long Active = 2;
}
