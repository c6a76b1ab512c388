using System.Collections.Concurrent;

namespace RoamingGrpc.Reliability.Soak;

/// <summary>Failures during a soak (answers outside the contract, calls never answered): counted, the first ones kept.</summary>
internal sealed class SoakErrors
{
    private const int Kept = 20;
    private readonly ConcurrentQueue<string> _first = new();
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public IReadOnlyCollection<string> First => _first;

    public void Add(string error)
    {
        if (Interlocked.Increment(ref _count) <= Kept)
        {
            _first.Enqueue($"{DateTimeOffset.UtcNow:HH:mm:ss} {error}");
        }
    }
}
