namespace RoamingGrpc.Domain.Pricing;

/// <summary>One measurement of a session.</summary>
/// <param name="Time">When it was taken.</param>
/// <param name="EnergyKwh">Cumulative energy of the session at <paramref name="Time"/>, kWh (non-decreasing over the samples).</param>
/// <param name="Activity">What happens from <paramref name="Time"/> until the next sample (or the end of the session).</param>
/// <param name="PowerKw">Charging power at <paramref name="Time"/>, kW, if known; it holds until the next sample.</param>
/// <param name="CurrentA">Charging current at <paramref name="Time"/>, A, if known; it holds until the next sample.</param>
public sealed record UsageSample(
    DateTimeOffset Time,
    decimal EnergyKwh,
    UsageActivity Activity,
    decimal? PowerKw = null,
    decimal? CurrentA = null);
