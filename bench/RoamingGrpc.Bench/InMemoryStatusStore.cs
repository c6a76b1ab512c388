using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Bench;

/// <summary>
/// The EVSE status log without persistence (the stream ceiling): the same interface the CSO's stream and back office
/// use, held in memory. The back office's write transaction (request log, site lookup) still runs in SQLite.
/// </summary>
internal sealed class InMemoryStatusStore : IEvseStatusStore
{
    private readonly Lock _gate = new();
    private readonly List<StatusEntry> _log = [];
    private readonly Dictionary<string, StatusEntry> _current = new(StringComparer.Ordinal);

    public StatusEntry? Current(WriteContext context, string evseId)
    {
        lock (_gate)
        {
            return _current.GetValueOrDefault(evseId);
        }
    }

    public IReadOnlyDictionary<string, StatusEntry> CurrentOf(WriteContext context, IReadOnlyCollection<string> evseIds)
    {
        ArgumentNullException.ThrowIfNull(evseIds);
        lock (_gate)
        {
            return evseIds.Where(_current.ContainsKey).ToDictionary(evseId => evseId, evseId => _current[evseId], StringComparer.Ordinal);
        }
    }

    public long Append(WriteContext context, string evseId, string siteId, long status, long changeTime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Changed(StoreChanges.StatusLog); // as the durable store: the commit wakes the streams
        lock (_gate)
        {
            var entry = new StatusEntry(_log.Count + 1, evseId, siteId, status, changeTime);
            _log.Add(entry);
            _current[evseId] = entry;
            return entry.Sequence;
        }
    }

    public Task<(long Latest, long PrunedThrough)> BoundsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(((long)_log.Count, 0L));
        }
    }

    public Task<(long PrunedThrough, IReadOnlyList<StatusEntry> Entries)> ReadLogAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var start = (int)Math.Clamp(afterSequence, 0, _log.Count);
            var count = Math.Min(limit, _log.Count - start);
            return Task.FromResult((0L, (IReadOnlyList<StatusEntry>)_log.GetRange(start, count)));
        }
    }

    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<(long Sequence, IReadOnlyList<StatusEntry> Statuses)> SnapshotAsync(string? afterEvseId, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var page = _current.Values
                .Where(entry => afterEvseId is null || string.CompareOrdinal(entry.EvseId, afterEvseId) > 0)
                .OrderBy(entry => entry.EvseId, StringComparer.Ordinal)
                .Take(limit)
                .ToList();
            return Task.FromResult(((long)_log.Count, (IReadOnlyList<StatusEntry>)page));
        }
    }
}
