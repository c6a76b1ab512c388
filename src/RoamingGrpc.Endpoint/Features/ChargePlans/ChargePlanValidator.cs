using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.ChargePlans;

/// <summary>
/// Checks charge plans (UC3-7, UC3-10): the form of a <c>ChargePlanSpec</c> (<see cref="Spec"/>, INVALID_ARGUMENT naming
/// the field, e.g. <c>spec.schedule.periods[1].start_offset</c>), whether an EVSE can follow it (<see cref="Fits"/>:
/// FAILED_PRECONDITION / NOT_CHARGE_PLAN_CAPABLE without the capability, INVALID_ARGUMENT / INVALID_FIELD naming the
/// limit that exceeds what the connector delivers), and pushed plans (<see cref="Pushed"/>).
/// </summary>
internal static class ChargePlanValidator
{
    /// <summary>Most periods in one schedule.</summary>
    public const int MaxPeriods = 1000;

    /// <summary>Longest reason_detail.</summary>
    public const int MaxReasonDetail = 255;

    /// <summary>The spec if it is well formed: exactly one of a schedule or preferences, each complete and consistent.</summary>
    public static ChargePlanSpec Spec(ChargePlanSpec? spec, string field)
    {
        if (spec is null)
        {
            throw RoamingErrors.MissingField(field);
        }

        switch (spec.KindCase)
        {
            case ChargePlanSpec.KindOneofCase.Schedule:
                Schedule(spec.Schedule, $"{field}.schedule");
                break;
            case ChargePlanSpec.KindOneofCase.Preferences:
                Preferences(spec.Preferences, $"{field}.preferences");
                break;
            default:
                throw RoamingErrors.InvalidField(field, ErrorReason.MissingField, "set schedule (limits over time) or preferences");
        }

        return spec;
    }

    /// <summary>
    /// Checks that <paramref name="evse"/> can follow <paramref name="spec"/>: the capability for its kind, and no limit
    /// (nor min_charging_rate) above the maximum of the session's connector (of any connector while it is not known).
    /// </summary>
    public static void Fits(ChargePlanSpec spec, string field, Evse evse, Connector? connector)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(evse);
        var (capability, kind) = spec.KindCase == ChargePlanSpec.KindOneofCase.Schedule
            ? (EvseCapability.ChargingProfileCapable, "charging schedules")
            : (EvseCapability.ChargingPreferencesCapable, "charging preferences");
        if (!evse.Capabilities.Contains(capability))
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.NotChargePlanCapable,
                $"EVSE {evse.EvseId} does not take {kind} (no {ProtoEnumNames.Of(capability)}).",
                [new("evse_id", evse.EvseId)]);
        }

        if (spec.Schedule is not { } schedule)
        {
            return;
        }

        IEnumerable<Connector> connectors = connector is null ? evse.Connectors : [connector];
        var watts = schedule.RateUnit == ChargingRateUnit.W;
        var maximum = connectors.Max(candidate => watts ? ChargePlanMapping.RatingOf(candidate).MaxPowerW : ChargePlanMapping.RatingOf(candidate).MaxCurrentA);
        var unit = watts ? "W" : "A";
        var what = connector is null ? $"EVSE {evse.EvseId}" : $"connector {connector.ConnectorId} of EVSE {evse.EvseId}";
        for (var i = 0; i < schedule.Periods.Count; i++)
        {
            if (schedule.Periods[i].Limit > maximum)
            {
                throw RoamingErrors.InvalidField(
                    $"{field}.schedule.periods[{i}].limit",
                    ErrorReason.InvalidField,
                    string.Create(CultureInfo.InvariantCulture, $"{schedule.Periods[i].Limit} {unit} exceeds the maximum of {what} ({maximum} {unit})"));
            }
        }

        if (schedule.HasMinChargingRate && schedule.MinChargingRate > maximum)
        {
            throw RoamingErrors.InvalidField(
                $"{field}.schedule.min_charging_rate",
                ErrorReason.InvalidField,
                string.Create(CultureInfo.InvariantCulture, $"{schedule.MinChargingRate} {unit} exceeds the maximum of {what} ({maximum} {unit})"));
        }
    }

    /// <summary>A plan a CSO pushed (CsoUpdateService.PushChargePlanUpdates): identifiers, enums and spec well formed.</summary>
    public static void Pushed(ChargePlan? plan)
    {
        if (plan is null)
        {
            throw RoamingErrors.MissingField("charge_plan");
        }

        RequestFields.LocalId(plan.SessionId, "charge_plan.session_id");
        RequestFields.LocalId(plan.ChargePlanId, "charge_plan.charge_plan_id");
        Required(plan.Source, ChargePlanSource.Unspecified, "charge_plan.source");
        Required(plan.Status, ChargePlanStatus.Unspecified, "charge_plan.status");
        Required(plan.UpdateReason, ChargePlanUpdateReason.Unspecified, "charge_plan.update_reason");
        ReasonDetail(plan.ReasonDetail, "charge_plan.reason_detail");
        Spec(plan.Spec, "charge_plan.spec");
    }

    /// <summary>
    /// The reason of a CSO override (UC3-10): required, and one of the CSO's reasons (not CSP_REQUEST, which is the
    /// CSP's own, nor SESSION_ENDED, which the endpoint sets itself).
    /// </summary>
    public static ChargePlanUpdateReason OverrideReason(ChargePlanUpdateReason reason, string field)
    {
        Required(reason, ChargePlanUpdateReason.Unspecified, field);
        return reason is ChargePlanUpdateReason.CspRequest or ChargePlanUpdateReason.SessionEnded
            ? throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"{ProtoEnumNames.Of(reason)} is not a reason the CSO gives; use GRID_CONSTRAINT, LOCAL_LOAD_MANAGEMENT, EVSE_LIMITATION, EV_LIMITATION or OPERATOR_DECISION")
            : reason;
    }

    /// <summary>A free-text reason detail of at most 255 characters.</summary>
    public static string ReasonDetail(string value, string field) =>
        value.Length <= MaxReasonDetail ? value : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be at most {MaxReasonDetail} characters");

    private static void Schedule(ChargingSchedule schedule, string field)
    {
        Required(schedule.RateUnit, ChargingRateUnit.Unspecified, $"{field}.rate_unit");
        if (schedule.StartTime is not null && !Valid(schedule.StartTime))
        {
            throw RoamingErrors.InvalidField($"{field}.start_time", ErrorReason.InvalidField, "is not a valid timestamp");
        }

        if (schedule.Periods.Count == 0)
        {
            throw RoamingErrors.InvalidField($"{field}.periods", ErrorReason.MissingField, "a schedule needs at least one period, the first at start_offset 0");
        }

        if (schedule.Periods.Count > MaxPeriods)
        {
            throw RoamingErrors.InvalidField($"{field}.periods", ErrorReason.InvalidField, $"must hold at most {MaxPeriods} periods (was {schedule.Periods.Count})");
        }

        var previous = TimeSpan.MinValue;
        for (var i = 0; i < schedule.Periods.Count; i++)
        {
            var period = schedule.Periods[i];
            var periodField = $"{field}.periods[{i}]";
            var offset = Span(period.StartOffset, $"{periodField}.start_offset");
            if (i == 0 && offset != TimeSpan.Zero)
            {
                throw RoamingErrors.InvalidField($"{periodField}.start_offset", ErrorReason.InvalidField, "the first period starts at offset 0");
            }

            if (offset <= previous)
            {
                throw RoamingErrors.InvalidField($"{periodField}.start_offset", ErrorReason.InvalidField, "must be after the previous period's start_offset (periods ascend)");
            }

            if (!double.IsFinite(period.Limit) || period.Limit < 0)
            {
                throw RoamingErrors.InvalidField($"{periodField}.limit", ErrorReason.InvalidField, "must be a number >= 0 (0 pauses charging)");
            }

            if (period.HasNumberPhases && period.NumberPhases is < 1 or > 3)
            {
                throw RoamingErrors.InvalidField($"{periodField}.number_phases", ErrorReason.InvalidField, "must be 1 to 3");
            }

            previous = offset;
        }

        if (schedule.Duration is not null && Span(schedule.Duration, $"{field}.duration") <= previous)
        {
            throw RoamingErrors.InvalidField($"{field}.duration", ErrorReason.InvalidField, "must be longer than the last period's start_offset");
        }

        if (schedule.HasMinChargingRate && (!double.IsFinite(schedule.MinChargingRate) || schedule.MinChargingRate < 0))
        {
            throw RoamingErrors.InvalidField($"{field}.min_charging_rate", ErrorReason.InvalidField, "must be a number >= 0");
        }
    }

    private static void Preferences(ChargingPreferences preferences, string field)
    {
        Required(preferences.ProfileType, ChargingProfileType.Unspecified, $"{field}.profile_type");
        if (preferences.DepartureTime is not null && !Valid(preferences.DepartureTime))
        {
            throw RoamingErrors.InvalidField($"{field}.departure_time", ErrorReason.InvalidField, "is not a valid timestamp");
        }

        if (preferences.HasEnergyNeedKwh && (!double.IsFinite(preferences.EnergyNeedKwh) || preferences.EnergyNeedKwh <= 0))
        {
            throw RoamingErrors.InvalidField($"{field}.energy_need_kwh", ErrorReason.InvalidField, "must be a positive number of kWh");
        }
    }

    // A required, non-negative, normalized duration (a malformed one would fail converting to TimeSpan).
    private static TimeSpan Span(Duration? duration, string field)
    {
        if (duration is null)
        {
            throw RoamingErrors.MissingField(field);
        }

        var normalized = duration.Nanos is > -1_000_000_000 and < 1_000_000_000
            && (duration.Seconds >= 0 ? duration.Nanos >= 0 : duration.Nanos <= 0)
            && Math.Abs(duration.Seconds) <= Duration.MaxSeconds;
        if (!normalized || duration.Seconds < 0 || duration.Nanos < 0)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "must be a non-negative, normalized duration");
        }

        return duration.ToTimeSpan();
    }

    private static bool Valid(Timestamp timestamp) =>
        timestamp.Nanos is >= 0 and < 1_000_000_000 && timestamp.Seconds is >= -62_135_596_800 and <= 253_402_300_799;

    private static void Required<TEnum>(TEnum value, TEnum unspecified, string field)
        where TEnum : struct, System.Enum
    {
        if (EqualityComparer<TEnum>.Default.Equals(value, unspecified))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.MissingField, $"is required; {ProtoEnumNames.Of(unspecified)} is not a value");
        }

        if (!System.Enum.IsDefined(value))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"value {Convert.ToInt32(value, CultureInfo.InvariantCulture)} is not defined in contract v1");
        }
    }
}
