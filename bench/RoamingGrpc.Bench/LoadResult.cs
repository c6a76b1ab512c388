namespace RoamingGrpc.Bench;

/// <summary>A closed-loop load phase: calls completed, how long it ran, and each call's latency in milliseconds.</summary>
internal sealed record LoadResult(long Calls, TimeSpan Elapsed, List<double> LatenciesMs)
{
    public double PerSecond => Calls / Elapsed.TotalSeconds;

    public double P99Ms => Stats.Percentile(LatenciesMs, 0.99);
}
