namespace RoamingGrpc.Domain.Pricing;

/// <summary>
/// A checked <see cref="SessionUsage"/> in UTC ticks: one sample per instant (the last of samples at the same time),
/// the first moved to the start, energy counted from the first sample, interpolated linearly between samples and
/// constant after the last one. Interval <c>i</c> runs from sample <c>i</c> to the next sample or the end.
/// </summary>
internal sealed class UsageTimeline
{
    /// <summary>Fraction digits of interpolated energy, kWh (1e-12 kWh = 1 nWh).</summary>
    public const int EnergyDigits = 12;

    private readonly long[] _times;
    private readonly decimal[] _energy;
    private readonly UsageSample[] _samples;

    private UsageTimeline(long start, long end, long? reservationStart, bool reservationExpired, List<UsageSample> samples, decimal baseline)
    {
        Start = start;
        End = end;
        ReservationStart = reservationStart;
        ReservationExpired = reservationExpired;
        _samples = [.. samples];
        _times = [.. samples.Select((sample, index) => index == 0 ? start : sample.Time.UtcTicks)];
        _energy = [.. samples.Select(sample => sample.EnergyKwh - baseline)];
    }

    public long Start { get; }

    public long End { get; }

    public long? ReservationStart { get; }

    public bool ReservationExpired { get; }

    public int Count => _samples.Length;

    /// <summary>Energy delivered from the start to the last sample, kWh.</summary>
    public decimal TotalEnergy => _energy[^1];

    public static UsageTimeline Create(SessionUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (usage.End < usage.Start)
        {
            throw new ArgumentException($"The session ends ({usage.End:O}) before it starts ({usage.Start:O}).", nameof(usage));
        }

        if (usage.ReservationStart is { } reserved && reserved > usage.Start)
        {
            throw new ArgumentException($"The reservation starts ({reserved:O}) after the session ({usage.Start:O}).", nameof(usage));
        }

        if (usage.ReservationExpiredUnused && (usage.ReservationStart is null || usage.Start != usage.End))
        {
            throw new ArgumentException("An expired reservation needs a reservation start and a session that ends when it starts.", nameof(usage));
        }

        if (usage.Samples is null || usage.Samples.Count == 0)
        {
            throw new ArgumentException("A session needs at least one sample, the first at its start.", nameof(usage));
        }

        var kept = new List<UsageSample>(usage.Samples.Count);
        for (var i = 0; i < usage.Samples.Count; i++)
        {
            var sample = usage.Samples[i] ?? throw new ArgumentException($"Sample {i} is null.", nameof(usage));
            Check(sample, i, usage);
            if (kept.Count > 0)
            {
                var previous = kept[^1];
                if (sample.Time < previous.Time)
                {
                    throw new ArgumentException($"Samples must be ordered by time: sample {i} ({sample.Time:O}) is before the one before it ({previous.Time:O}).", nameof(usage));
                }

                if (sample.EnergyKwh < previous.EnergyKwh)
                {
                    throw new ArgumentException($"Energy must not decrease: sample {i} has {sample.EnergyKwh} kWh after {previous.EnergyKwh} kWh.", nameof(usage));
                }

                if (sample.Time == previous.Time)
                {
                    kept[^1] = sample;
                    continue;
                }
            }

            kept.Add(sample);
        }

        return new UsageTimeline(
            usage.Start.UtcTicks,
            usage.End.UtcTicks,
            usage.ReservationStart?.UtcTicks,
            usage.ReservationExpiredUnused,
            kept,
            kept[0].EnergyKwh);
    }

    public UsageSample Sample(int index) => _samples[index];

    public long IntervalStart(int index) => _times[index];

    public long IntervalEnd(int index) => index + 1 < _times.Length ? _times[index + 1] : End;

    /// <summary>
    /// Energy so far at <paramref name="ticks"/>, which lies in interval <paramref name="index"/> (its end included).
    /// Between samples it is rounded to <see cref="EnergyDigits"/> fraction digits, so that volumes of periods add up
    /// exactly (an unrounded 28-digit quotient could push a whole-step total just above the step).
    /// </summary>
    public decimal EnergyAt(int index, long ticks)
    {
        if (index + 1 >= _times.Length || ticks <= _times[index])
        {
            return _energy[index];
        }

        if (ticks >= _times[index + 1])
        {
            return _energy[index + 1];
        }

        var span = _times[index + 1] - _times[index];
        var interpolated = _energy[index] + ((_energy[index + 1] - _energy[index]) * (ticks - _times[index]) / span);
        return Math.Clamp(decimal.Round(interpolated, EnergyDigits, MidpointRounding.AwayFromZero), _energy[index], _energy[index + 1]);
    }

    /// <summary>The first tick at which the energy of interval <paramref name="index"/> reaches <paramref name="kwh"/>, if it crosses it inside the interval.</summary>
    public long? Crossing(int index, decimal kwh)
    {
        if (index + 1 >= _times.Length || _energy[index] >= kwh || _energy[index + 1] <= kwh)
        {
            return null;
        }

        var span = _times[index + 1] - _times[index];
        var offset = decimal.Ceiling((kwh - _energy[index]) * span / (_energy[index + 1] - _energy[index]));
        return _times[index] + (long)offset;
    }

    /// <summary>Power in interval <paramref name="index"/>: the sample's, or the average of the interval when unknown.</summary>
    public decimal PowerKw(int index)
    {
        if (_samples[index].PowerKw is { } known)
        {
            return known;
        }

        if (index + 1 >= _times.Length)
        {
            return 0m;
        }

        return (_energy[index + 1] - _energy[index]) * TimeSpan.TicksPerHour / (_times[index + 1] - _times[index]);
    }

    /// <summary>The interval that contains <paramref name="ticks"/>.</summary>
    public int IntervalOf(long ticks)
    {
        var found = Array.BinarySearch(_times, ticks);
        return found >= 0 ? found : Math.Max(0, ~found - 1);
    }

    private static void Check(UsageSample sample, int index, SessionUsage usage)
    {
        if (sample.Time < usage.Start || sample.Time > usage.End)
        {
            throw new ArgumentException($"Sample {index} ({sample.Time:O}) is outside the session {usage.Start:O} to {usage.End:O}.", nameof(usage));
        }

        if (!Enum.IsDefined(sample.Activity))
        {
            throw new ArgumentException($"Sample {index} has an unknown activity {sample.Activity}.", nameof(usage));
        }

        if (sample.EnergyKwh < 0 || sample.PowerKw < 0 || sample.CurrentA < 0)
        {
            throw new ArgumentException($"Sample {index} has a negative energy, power or current.", nameof(usage));
        }
    }
}
