namespace RoamingGrpc.Domain.Maintenance;

/// <summary>The state of a maintenance notice (UC5-1). Values equal the contract's MaintenanceNoticeState.</summary>
public enum MaintenancePhase
{
    /// <summary>Published; its start is in the future.</summary>
    Scheduled = 1,

    /// <summary>In effect: the affected EVSEs are unavailable.</summary>
    Active = 2,

    /// <summary>Over (ended by the operator, or its end time passed). Final.</summary>
    Ended = 3,

    /// <summary>Withdrawn before it started. Final.</summary>
    Canceled = 4,
}
