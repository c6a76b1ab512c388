using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>
/// A generated session: samples (the first at the start, with 0 kWh), the seconds from the last sample to the end, an
/// optional reservation before the start. <see cref="Expired"/> turns it into a reservation that expired unused.
/// </summary>
internal sealed record UsagePlan(DateTimeOffset Start, IReadOnlyList<SamplePlan> Samples, int TailSeconds, int? ReservationSeconds, bool Expired)
{
    public SessionUsage ToUsage() => Build(Samples, TailSeconds);

    /// <summary>
    /// The same session continued after its end: a copy of the last sample at the old end (so nothing before the old
    /// end changes), then <paramref name="more"/> (the first at least a second later), then <paramref name="tailSeconds"/>
    /// to the new end.
    /// </summary>
    public SessionUsage Extended(IReadOnlyList<SamplePlan> more, int tailSeconds)
    {
        var continued = Samples[^1] with { GapSeconds = TailSeconds, EnergyWh = 0 };
        var later = more.Select((sample, index) => index == 0 ? sample with { GapSeconds = Math.Max(1, sample.GapSeconds) } : sample);
        return Build([.. Samples, continued, .. later], tailSeconds);
    }

    /// <summary>The same times, activities, powers and currents with <paramref name="extraWh"/>[i] more Wh delivered before sample i.</summary>
    public SessionUsage WithMoreEnergy(IReadOnlyList<int> extraWh) =>
        Build([.. Samples.Select((sample, index) => sample with { EnergyWh = sample.EnergyWh + extraWh[index % extraWh.Count] })], TailSeconds);

    private SessionUsage Build(IReadOnlyList<SamplePlan> samples, int tailSeconds)
    {
        DateTimeOffset? reservationStart = ReservationSeconds is { } seconds ? Start.AddSeconds(-seconds) : null;
        if (Expired && reservationStart is not null)
        {
            return new SessionUsage(Start, Start, [new UsageSample(Start, 0m, samples[0].Activity)], reservationStart, ReservationExpiredUnused: true);
        }

        var list = new List<UsageSample>();
        var time = Start;
        var energy = 0m;
        for (var i = 0; i < samples.Count; i++)
        {
            var sample = samples[i];
            if (i > 0)
            {
                time = time.AddSeconds(sample.GapSeconds);
                energy += sample.EnergyWh / 1000m;
            }

            list.Add(new UsageSample(time, energy, sample.Activity, sample.PowerKw, sample.CurrentA));
        }

        return new SessionUsage(Start, time.AddSeconds(tailSeconds), list, reservationStart);
    }
}
