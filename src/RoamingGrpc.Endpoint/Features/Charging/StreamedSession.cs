using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// What one WatchChargingInfo stream last sent of a session: its state and charge plan (what makes a later ChargingInfo
/// a meter update or a change) and when (the start of its min_update_interval).
/// </summary>
/// <param name="State">The session state sent.</param>
/// <param name="Plan">The plan in force sent (id, source, status, reason; its limit changes with time and is left out), or null.</param>
/// <param name="SentAt">When it was sent, on the endpoint's clock.</param>
internal sealed record StreamedSession(SessionState State, (string Id, ChargePlanSource Source, ChargePlanStatus Status, ChargePlanUpdateReason Reason)? Plan, DateTimeOffset SentAt)
{
    /// <summary>The identity of the plan in force that <paramref name="info"/> carries, or null.</summary>
    public static (string Id, ChargePlanSource Source, ChargePlanStatus Status, ChargePlanUpdateReason Reason)? PlanOf(ChargingInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.ChargePlan is { } plan ? (plan.ChargePlanId, plan.Source, plan.Status, plan.UpdateReason) : null;
    }

    /// <summary>
    /// True when <paramref name="info"/> is a meter update after this: the same state and plan, no command. Meter values,
    /// suspend and resume are; a state or plan change, and an update a command caused, are not.
    /// </summary>
    public bool IsFollowedByMeterUpdate(ChargingInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.CommandId.Length == 0 && info.State == State && PlanOf(info) == Plan;
    }
}
