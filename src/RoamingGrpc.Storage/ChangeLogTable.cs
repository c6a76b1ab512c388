using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage;

/// <summary>
/// The SQL every change log shares (a table with an AUTOINCREMENT <c>sequence</c> and a <c>log_time</c>, and its
/// prune mark in <c>stream_state</c>). Table, stream and column names are constants of the owning store, never input.
/// Log pages are what every open stream reads, so their rows are read with <paramref name="entry"/> (typed getters
/// by ordinal, in the order of <paramref name="columns"/>) rather than mapped by name, and the newest
/// <see cref="TailCapacity"/> entries are kept in memory: streams that follow the head (all but the ones catching up)
/// read one database page between them per append instead of one each. The tail is exactly the log between two
/// sequences (a read after sequence S returns every committed entry after S, in order, as the single writer commits
/// in sequence order), extended only by reads that continue where it ends, and dropped when the log is pruned.
/// </summary>
/// <typeparam name="TEntry">The log's entry row.</typeparam>
internal sealed class ChangeLogTable<TEntry>(IDatabase database, string table, string stream, string columns, Func<DbDataReader, TEntry> entry)
    where TEntry : ILogEntry
{
    /// <summary>Entries kept in memory at most (the newest).</summary>
    public const int TailCapacity = 8192;

    private readonly Lock _gate = new();
    private readonly List<TEntry> _tail = [];
    private long _tailAfter = -1; // the tail holds every entry after this sequence, through _tailThrough
    private long _tailThrough = -1;
    private long _tailPruned;
    private long _generation; // moved by pruning: a read that started before it does not fill the tail
    private Task<(long PrunedThrough, IReadOnlyList<TEntry> Entries)>? _extending;
    private long _extendingAfter = -1;

    /// <summary>See <see cref="IChangeLog{TEntry}.BoundsAsync"/>.</summary>
    public Task<(long Latest, long PrunedThrough)> BoundsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            async (connection, ct) =>
            {
                // After pruning everything, the AUTOINCREMENT counter still knows the head.
                var latest = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    $"SELECT COALESCE(MAX(sequence), (SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0) FROM {table}", cancellationToken: ct)).ConfigureAwait(false);
                var pruned = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT pruned_through FROM stream_state WHERE stream = @stream", new { stream }, cancellationToken: ct)).ConfigureAwait(false);
                return (latest, pruned);
            },
            cancellationToken);

    /// <summary>See <see cref="IChangeLog{TEntry}.ReadLogAsync"/>.</summary>
    public async Task<(long PrunedThrough, IReadOnlyList<TEntry> Entries)> ReadLogAsync(long afterSequence, int limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task<(long PrunedThrough, IReadOnlyList<TEntry> Entries)> read;
            long generation;
            lock (_gate)
            {
                if (afterSequence >= _tailAfter && afterSequence < _tailThrough)
                {
                    return (_tailPruned, FromTail(afterSequence, limit));
                }

                if (afterSequence == _tailThrough && _extending is { IsCompleted: false } extending && _extendingAfter == afterSequence)
                {
                    read = extending; // another stream is reading this very page: wait for it, then take it from the tail
                    generation = -1;
                }
                else
                {
                    generation = _generation;
                    read = ReadPageAsync(afterSequence, limit, cancellationToken);
                    if (afterSequence == _tailThrough)
                    {
                        _extending = read;
                        _extendingAfter = afterSequence;
                    }
                }
            }

            if (generation < 0)
            {
                // Its outcome is its reader's to handle; here it only says when to look at the tail again.
                await ((Task)read).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                if (read.IsCompletedSuccessfully && read.Result.Entries.Count == 0)
                {
                    return read.Result; // nothing after this sequence yet: the same answer for every waiter
                }

                continue;
            }

            var (pruned, entries) = await read.ConfigureAwait(false);
            Remember(afterSequence, pruned, entries, generation);
            return (pruned, entries);
        }
    }

    private List<TEntry> FromTail(long afterSequence, int limit)
    {
        var first = afterSequence == _tailAfter ? 0 : FirstAfter(afterSequence);
        return _tail.GetRange(first, Math.Min(limit, _tail.Count - first));
    }

    // Index of the first tail entry with a sequence above afterSequence (the tail is in sequence order).
    private int FirstAfter(long afterSequence)
    {
        int low = 0, high = _tail.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_tail[middle].Sequence <= afterSequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void Remember(long afterSequence, long pruned, IReadOnlyList<TEntry> entries, long generation)
    {
        if (entries.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (generation != _generation || afterSequence < _tailThrough)
            {
                return; // pruned meanwhile, or history behind the tail (a stream catching up)
            }

            if (afterSequence > _tailThrough)
            {
                _tail.Clear(); // a gap: start a new tail here
                _tailAfter = afterSequence;
            }

            _tail.AddRange(entries);
            _tailThrough = entries[^1].Sequence;
            _tailPruned = pruned;
            if (_tail.Count > 2 * TailCapacity)
            {
                var drop = _tail.Count - TailCapacity;
                _tailAfter = _tail[drop - 1].Sequence;
                _tail.RemoveRange(0, drop);
            }
        }
    }

    private Task<(long PrunedThrough, IReadOnlyList<TEntry> Entries)> ReadPageAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<(long, IReadOnlyList<TEntry>)>(
            async (connection, ct) =>
            {
                // Entries and prune mark from one committed state: a reader behind the mark learns it, never skips.
                using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: true);
                var pruned = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT pruned_through FROM stream_state WHERE stream = @stream", new { stream }, transaction, cancellationToken: ct)).ConfigureAwait(false);
                await using var command = ((SqliteConnection)connection).CreateCommand();
                command.Transaction = transaction;
                command.CommandText = $"SELECT {columns} FROM {table} WHERE sequence > @afterSequence ORDER BY sequence LIMIT @limit";
                command.Parameters.AddWithValue("@afterSequence", afterSequence);
                command.Parameters.AddWithValue("@limit", limit);
                var entries = new List<TEntry>(Math.Min(limit, 1024));
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (reader.Read())
                {
                    entries.Add(entry(reader));
                }

                return (pruned, entries);
            },
            cancellationToken);

    /// <summary>See <see cref="IChangeLog{TEntry}.PruneAsync"/>; drops the in-memory tail when entries were removed.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var removed = await PruneTableAsync(before, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            lock (_gate)
            {
                _generation++;
                _tail.Clear();
                _tailAfter = -1;
                _tailThrough = -1;
            }
        }

        return removed;
    }

    private Task<int> PruneTableAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context =>
            {
                var through = context.Connection.ExecuteScalar<long?>(
                    $"SELECT MAX(sequence) FROM {table} WHERE log_time < @before AND sequence < (SELECT MAX(sequence) FROM {table})",
                    new { before = before.ToUnixTimeMilliseconds() },
                    context.Transaction);
                if (through is not { } last)
                {
                    return 0;
                }

                var removed = context.Connection.Execute($"DELETE FROM {table} WHERE sequence <= @last", new { last }, context.Transaction);
                context.Connection.Execute(
                    "UPDATE stream_state SET pruned_through = MAX(pruned_through, @last) WHERE stream = @stream", new { last, stream }, context.Transaction);
                return removed;
            },
            cancellationToken);
}
