using System.Collections.Concurrent;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>Unary calls in progress per caller (from their headers to their end), capped per caller.</summary>
internal sealed class CallsInProgress
{
    private readonly ConcurrentDictionary<string, Counter> _byCaller = new(StringComparer.Ordinal);

    /// <summary>Calls of <paramref name="caller"/> in progress now.</summary>
    public int Of(string caller) => _byCaller.TryGetValue(caller, out var counter) ? Volatile.Read(ref counter.Value) : 0;

    /// <summary>Counts one more call of <paramref name="caller"/> unless it has <paramref name="max"/> already.</summary>
    public bool TryEnter(string caller, int max)
    {
        var counter = _byCaller.GetOrAdd(caller, static _ => new Counter());
        while (true)
        {
            var current = Volatile.Read(ref counter.Value);
            if (current >= max)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref counter.Value, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Ends a call counted by <see cref="TryEnter"/>.</summary>
    public void Exit(string caller)
    {
        // Callers are partners, a handful: their counters stay, at zero, rather than racing a removal with TryEnter.
        Interlocked.Decrement(ref _byCaller[caller].Value);
    }

    private sealed class Counter
    {
        public int Value;
    }
}
