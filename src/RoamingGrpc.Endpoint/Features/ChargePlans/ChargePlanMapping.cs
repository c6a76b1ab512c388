using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.ChargePlans;

namespace RoamingGrpc.Endpoint.Features.ChargePlans;

/// <summary>Between the contract's charge plans and connectors and the domain's schedules and ratings.</summary>
internal static class ChargePlanMapping
{
    /// <summary>The domain schedule of a well-formed contract schedule (see <see cref="ChargePlanValidator.Spec"/>).</summary>
    public static ChargeSchedule ScheduleOf(ChargingSchedule schedule) =>
        new(schedule.Periods.Select(period => new SchedulePeriod(period.StartOffset.ToTimeSpan(), period.Limit)), schedule.Duration?.ToTimeSpan());

    /// <summary>What a connector delivers; AC phases from its power type, DC as one "phase".</summary>
    public static ConnectorRating RatingOf(Connector connector) => new(
        connector.PowerType switch
        {
            PowerType.Ac3Phase => 3,
            PowerType.Ac2Phase or PowerType.Ac2PhaseSplit => 2,
            _ => 1,
        },
        connector.MaxVoltage,
        connector.MaxAmperage,
        connector.HasMaxElectricPower ? connector.MaxElectricPower : null);

    /// <summary>
    /// The short form of a plan carried in ChargingInfo, with the limit of a schedule in force at <paramref name="at"/>
    /// (none before the schedule starts, after it ends, or while its start is not known yet).
    /// </summary>
    public static ChargePlanSummary SummaryOf(ChargePlan plan, DateTimeOffset at)
    {
        var summary = new ChargePlanSummary
        {
            ChargePlanId = plan.ChargePlanId,
            Source = plan.Source,
            Status = plan.Status,
            UpdateReason = plan.UpdateReason,
        };
        if (plan.Spec?.Schedule is { } schedule)
        {
            summary.RateUnit = schedule.RateUnit;
            if (schedule.StartTime is not null && ScheduleOf(schedule).LimitAt(at - schedule.StartTime.ToDateTimeOffset()) is { } limit)
            {
                summary.CurrentLimit = limit;
            }
        }
        else if (plan.Spec?.Preferences is { } preferences)
        {
            summary.ProfileType = preferences.ProfileType;
        }

        return summary;
    }

    /// <summary>
    /// The spec as applied at <paramref name="appliedAt"/>: a schedule without start_time starts when it is applied
    /// (charge_plans.proto), so the stored plan names that time.
    /// </summary>
    public static ChargePlanSpec Anchored(ChargePlanSpec spec, DateTimeOffset appliedAt)
    {
        if (spec.Schedule is not { StartTime: null })
        {
            return spec;
        }

        var anchored = spec.Clone();
        anchored.Schedule.StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(appliedAt);
        return anchored;
    }
}
