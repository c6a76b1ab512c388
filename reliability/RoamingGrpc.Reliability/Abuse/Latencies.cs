namespace RoamingGrpc.Reliability.Abuse;

/// <summary>The answered calls' latencies and the failed calls of one flow during one phase (thread-safe).</summary>
internal sealed class Latencies
{
    private readonly Lock _gate = new();
    private readonly List<double> _milliseconds = [];
    private readonly List<string> _failures = [];

    public void Answered(TimeSpan latency)
    {
        lock (_gate)
        {
            _milliseconds.Add(latency.TotalMilliseconds);
        }
    }

    public void Failed(string what)
    {
        lock (_gate)
        {
            _failures.Add(what);
        }
    }

    public LatencySummary Summarize()
    {
        lock (_gate)
        {
            var sorted = _milliseconds.Order().ToArray();
            return new LatencySummary(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), sorted.Length == 0 ? 0 : sorted[^1], [.. _failures]);
        }
    }

    // Nearest rank: the smallest latency at least `share` of the calls did not exceed.
    private static double Percentile(double[] sorted, double share) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Calls answered, p50, p99 and slowest in milliseconds, and the failures (each described).</summary>
internal sealed record LatencySummary(int Calls, double P50, double P99, double Max, IReadOnlyList<string> Failures);
