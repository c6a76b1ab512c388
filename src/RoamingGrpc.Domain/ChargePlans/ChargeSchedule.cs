namespace RoamingGrpc.Domain.ChargePlans;

/// <summary>
/// Charging limits over time (the contract's <c>ChargingSchedule</c>, OCPP semantics): each period lasts until the next
/// one starts, the last one until <see cref="Duration"/> ends (or for ever when absent). Before the schedule starts and
/// after it ends no limit applies. Periods are ascending by start offset, the first at offset 0.
/// </summary>
public sealed class ChargeSchedule
{
    private readonly SchedulePeriod[] _periods;

    /// <summary>A schedule of <paramref name="periods"/> (ascending, the first at offset 0), optionally ending after <paramref name="duration"/>.</summary>
    public ChargeSchedule(IEnumerable<SchedulePeriod> periods, TimeSpan? duration)
    {
        ArgumentNullException.ThrowIfNull(periods);
        _periods = [.. periods];
        if (_periods.Length == 0 || _periods[0].StartOffset != TimeSpan.Zero)
        {
            throw new ArgumentException("A schedule has at least one period, the first at offset 0.", nameof(periods));
        }

        for (var i = 1; i < _periods.Length; i++)
        {
            if (_periods[i].StartOffset <= _periods[i - 1].StartOffset)
            {
                throw new ArgumentException($"Period {i} does not start after period {i - 1}.", nameof(periods));
            }
        }

        Duration = duration;
    }

    /// <summary>The periods, ascending.</summary>
    public IReadOnlyList<SchedulePeriod> Periods => _periods;

    /// <summary>Length of the schedule; null = until the session ends.</summary>
    public TimeSpan? Duration { get; }

    /// <summary>The limit in force <paramref name="elapsed"/> after the schedule start; null before it starts and after it ends.</summary>
    public double? LimitAt(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero || (Duration is { } duration && elapsed >= duration))
        {
            return null;
        }

        var limit = _periods[0].Limit;
        foreach (var period in _periods)
        {
            if (period.StartOffset > elapsed)
            {
                break;
            }

            limit = period.Limit;
        }

        return limit;
    }

    /// <summary>
    /// Energy in kWh drawn from <paramref name="from"/> to <paramref name="to"/> (offsets from the schedule start) by a
    /// load that would draw <paramref name="demandKw"/> and is held to the schedule, with limits in kW.
    /// </summary>
    public double EnergyKwh(TimeSpan from, TimeSpan to, double demandKw, Func<double, double> limitToKw)
    {
        ArgumentNullException.ThrowIfNull(limitToKw);
        var energy = 0.0;
        var at = from;
        while (at < to)
        {
            var next = NextChange(at) is { } change && change < to ? change : to;
            var power = LimitAt(at) is { } limit ? Math.Min(demandKw, limitToKw(limit)) : demandKw;
            energy += power * (next - at).TotalHours;
            at = next;
        }

        return energy;
    }

    // The first offset after `at` at which the limit may change (a period start or the end of the schedule), or null.
    private TimeSpan? NextChange(TimeSpan at)
    {
        TimeSpan? next = Duration is { } end && end > at ? end : null;
        foreach (var period in _periods)
        {
            if (period.StartOffset > at && (next is null || period.StartOffset < next))
            {
                next = period.StartOffset;
            }
        }

        return next;
    }
}
