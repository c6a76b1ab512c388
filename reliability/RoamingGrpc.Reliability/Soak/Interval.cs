namespace RoamingGrpc.Reliability.Soak;

/// <summary>What the driver saw during one sample interval: status changes applied and call latencies, sessions, errors.</summary>
internal sealed class Interval
{
    private readonly Lock _gate = new();
    private List<double> _latencies = new(1 << 16);
    private long _changes;
    private long _sessions;
    private long _retries;

    public void Reported(int changes, double milliseconds)
    {
        lock (_gate)
        {
            _changes += changes;
            _latencies.Add(milliseconds);
        }
    }

    public void SessionDone() => Interlocked.Increment(ref _sessions);

    public void Retry() => Interlocked.Increment(ref _retries);

    /// <summary>The interval's figures, and a fresh interval begins.</summary>
    public (long Changes, List<double> Latencies, long Sessions, long Retries) Take()
    {
        lock (_gate)
        {
            var taken = (_changes, _latencies, Interlocked.Exchange(ref _sessions, 0), Interlocked.Exchange(ref _retries, 0));
            _changes = 0;
            _latencies = new List<double>(taken._latencies.Count);
            return taken;
        }
    }
}
