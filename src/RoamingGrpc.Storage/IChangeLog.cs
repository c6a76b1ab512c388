namespace RoamingGrpc.Storage;

/// <summary>A durable, ordered change log that resumable streams read; pruned by age.</summary>
/// <typeparam name="TEntry">One log entry.</typeparam>
public interface IChangeLog<TEntry>
    where TEntry : ILogEntry
{
    /// <summary>The newest sequence and how far the log was pruned.</summary>
    Task<(long Latest, long PrunedThrough)> BoundsAsync(CancellationToken cancellationToken);

    /// <summary>Entries after <paramref name="afterSequence"/>, in order, with how far the log was pruned (same read).</summary>
    Task<(long PrunedThrough, IReadOnlyList<TEntry> Entries)> ReadLogAsync(long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Removes entries logged before <paramref name="before"/> (keeping the newest); returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
