using Dapper;

namespace RoamingGrpc.Storage.Status;

/// <summary>All SQL of the CSO's EVSE statuses and their change log.</summary>
public sealed class EvseStatusStore(IDatabase database) : IEvseStatusStore
{
    private const string Columns = "sequence AS Sequence, evse_id AS EvseId, site_id AS SiteId, status AS Status, change_time AS ChangeTime";
    private readonly ChangeLogTable<StatusEntry> _log = new(database, "evse_status_log", "evse_status", Columns, Entry);

    /// <inheritdoc />
    public StatusEntry? Current(WriteContext context, string evseId)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var statement = context.Statement($"SELECT {Columns} FROM evse_status WHERE evse_id = ?1").Text(1, evseId);
        return statement.Step() ? Entry(statement) : null;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, StatusEntry> CurrentOf(WriteContext context, IReadOnlyCollection<string> evseIds)
    {
        ArgumentNullException.ThrowIfNull(context);
        var current = new Dictionary<string, StatusEntry>(evseIds.Count, StringComparer.Ordinal);
        using var statement = context.Statement($"SELECT {Columns} FROM evse_status WHERE evse_id IN (SELECT value FROM json_each(?1))")
            .Text(1, SqlList.Of(evseIds));
        while (statement.Step())
        {
            var entry = Entry(statement);
            current[entry.EvseId] = entry;
        }

        return current;
    }

    /// <inheritdoc />
    public long Append(WriteContext context, string evseId, string siteId, long status, long changeTime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Changed(StoreChanges.StatusLog);

        // Once per applied change: both are the writer's compiled statements.
        long sequence;
        using (var insert = context.Statement(
            """
            INSERT INTO evse_status_log (evse_id, site_id, status, change_time, log_time) VALUES (?1, ?2, ?3, ?4, ?5)
            RETURNING sequence
            """))
        {
            insert.Text(1, evseId).Text(2, siteId).Number(3, status).Number(4, changeTime).Number(5, now.ToUnixTimeMilliseconds()).Step();
            sequence = insert.NumberAt(0);
            insert.Run();
        }

        using var upsert = context.Statement(
            """
            INSERT INTO evse_status (evse_id, site_id, status, change_time, sequence) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (evse_id) DO UPDATE SET site_id = excluded.site_id, status = excluded.status,
                change_time = excluded.change_time, sequence = excluded.sequence
            """);
        upsert.Text(1, evseId).Text(2, siteId).Number(3, status).Number(4, changeTime).Number(5, sequence).Run();
        return sequence;
    }

    private static StatusEntry Entry(PreparedStatement row) =>
        new(row.NumberAt(0), row.TextAt(1), row.TextAt(2), row.NumberAt(3), row.NumberAt(4));

    private static StatusEntry Entry(System.Data.Common.DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4));

    /// <inheritdoc />
    public Task<(long Latest, long PrunedThrough)> BoundsAsync(CancellationToken cancellationToken) => _log.BoundsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<(long PrunedThrough, IReadOnlyList<StatusEntry> Entries)> ReadLogAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        _log.ReadLogAsync(afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) => _log.PruneAsync(before, cancellationToken);

    /// <inheritdoc />
    public Task<(long Sequence, IReadOnlyList<StatusEntry> Statuses)> SnapshotAsync(string? afterEvseId, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<(long, IReadOnlyList<StatusEntry>)>(
            async (connection, ct) =>
            {
                // One deferred (read-only) transaction: in WAL mode it sees one committed state, so statuses and
                // sequence agree, without taking the write lock.
                using var transaction = ((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: true);
                var sequence = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COALESCE(MAX(sequence), 0) FROM evse_status", transaction: transaction, cancellationToken: ct)).ConfigureAwait(false);
                var statuses = (await connection.QueryAsync<StatusEntry>(new CommandDefinition(
                    $"SELECT {Columns} FROM evse_status WHERE evse_id > COALESCE(@afterEvseId, '') ORDER BY evse_id LIMIT @limit",
                    new { afterEvseId, limit },
                    transaction,
                    cancellationToken: ct)).ConfigureAwait(false)).AsList();
                return (sequence, statuses);
            },
            cancellationToken);
}
