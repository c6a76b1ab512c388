using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage;

/// <summary>
/// The SQL every change log shares (a table with an AUTOINCREMENT <c>sequence</c> and a <c>log_time</c>, and its
/// prune mark in <c>stream_state</c>). Table, stream and column names are constants of the owning store, never input.
/// Log pages are what every open stream reads, so their rows are read with <paramref name="entry"/> (typed getters
/// by ordinal, in the order of <paramref name="columns"/>) rather than mapped by name.
/// </summary>
/// <typeparam name="TEntry">The log's entry row.</typeparam>
internal sealed class ChangeLogTable<TEntry>(IDatabase database, string table, string stream, string columns, Func<DbDataReader, TEntry> entry)
    where TEntry : ILogEntry
{
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
    public Task<(long PrunedThrough, IReadOnlyList<TEntry> Entries)> ReadLogAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
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

    /// <summary>See <see cref="IChangeLog{TEntry}.PruneAsync"/>.</summary>
    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
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
