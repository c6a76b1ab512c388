namespace RoamingGrpc.Domain.Maintenance;

/// <summary>
/// How a maintenance notice moves with time: SCHEDULED before its start, ACTIVE from its start, ENDED from its end
/// (when it has one). Ending it by hand cancels one that has not started and ends one that has. ENDED and CANCELED
/// are final.
/// </summary>
public static class MaintenanceTimeline
{
    /// <summary>The phase a notice from <paramref name="start"/> to <paramref name="end"/> (null = open) has at <paramref name="now"/>.</summary>
    public static MaintenancePhase PhaseAt(DateTimeOffset start, DateTimeOffset? end, DateTimeOffset now)
    {
        if (end is { } until && until <= start)
        {
            throw new ArgumentOutOfRangeException(nameof(end), end, "A notice ends after it starts.");
        }

        return now < start ? MaintenancePhase.Scheduled
            : end is { } stop && now >= stop ? MaintenancePhase.Ended
            : MaintenancePhase.Active;
    }

    /// <summary>When a notice in <paramref name="phase"/> moves by itself next (its start, or its end), or null if it never does.</summary>
    public static DateTimeOffset? NextTransition(MaintenancePhase phase, DateTimeOffset start, DateTimeOffset? end) => phase switch
    {
        MaintenancePhase.Scheduled => start,
        MaintenancePhase.Active => end,
        _ => null,
    };

    /// <summary>
    /// The phase after the operator ends a notice at <paramref name="endedAt"/>: CANCELED if that is before its start,
    /// ENDED otherwise; a final notice stays as it is.
    /// </summary>
    public static MaintenancePhase EndedBy(MaintenancePhase phase, DateTimeOffset start, DateTimeOffset endedAt) =>
        IsFinal(phase) ? phase
        : endedAt < start ? MaintenancePhase.Canceled
        : MaintenancePhase.Ended;

    /// <summary>True for the final phases.</summary>
    public static bool IsFinal(MaintenancePhase phase) => phase is MaintenancePhase.Ended or MaintenancePhase.Canceled;
}
