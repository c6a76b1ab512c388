namespace RoamingGrpc.Endpoint.Streams;

/// <summary>
/// The events one stream holds back, in log order, at most one per coalescing key: a newer entry of a key replaces
/// its held event. Each was read after every event the stream sent before it, so its sequence is greater than theirs.
/// Used by the stream's sending loop only.
/// </summary>
internal sealed class HeldEvents<TEntry, TResponse>
{
    private readonly LinkedList<HeldEvent<TEntry, TResponse>> _events = new();
    private readonly Dictionary<string, LinkedListNode<HeldEvent<TEntry, TResponse>>> _byKey = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>How many events are held (readable from any thread, for the events-behind metric).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The oldest held event, or null.</summary>
    public HeldEvent<TEntry, TResponse>? First => _events.First?.Value;

    /// <summary>Holds <paramref name="held"/> after every event held so far (it is the newest in the log).</summary>
    public void Add(HeldEvent<TEntry, TResponse> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        var node = _events.AddLast(held);
        if (held.Key is { } key)
        {
            _byKey.Add(key, node);
        }

        Volatile.Write(ref _count, _events.Count);
    }

    /// <summary>Drops the held event of <paramref name="key"/>, if any: a newer entry of the key was read.</summary>
    public void Replace(string key)
    {
        if (_byKey.Remove(key, out var node))
        {
            _events.Remove(node);
            Volatile.Write(ref _count, _events.Count);
        }
    }

    /// <summary>Removes and returns the oldest held event.</summary>
    public HeldEvent<TEntry, TResponse> TakeFirst()
    {
        var held = _events.First?.Value ?? throw new InvalidOperationException("No event is held.");
        _events.RemoveFirst();
        if (held.Key is { } key)
        {
            _byKey.Remove(key);
        }

        Volatile.Write(ref _count, _events.Count);
        return held;
    }

    /// <summary>Drops every held event (they are read again).</summary>
    public void Clear()
    {
        _events.Clear();
        _byKey.Clear();
        Volatile.Write(ref _count, 0);
    }
}
