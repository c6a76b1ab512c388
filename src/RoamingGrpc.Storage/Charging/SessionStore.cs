using System.Globalization;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage.Charging;

/// <summary>All SQL of the CSO's sessions, their readings and the charging-information log.</summary>
public sealed class SessionStore(IDatabase database) : ISessionStore
{
    private const string Columns =
        "session_id AS SessionId, provider AS Provider, evse_id AS EvseId, state AS State, version AS Version, update_time AS UpdateTime, change_seq AS ChangeSeq, payload AS Payload, info AS Info";

    private const string ReadingColumns =
        "session_id AS SessionId, reading_no AS ReadingNo, measure_time AS MeasureTime, energy_kwh AS EnergyKwh, power_kw AS PowerKw, current_a AS CurrentA, state_of_charge AS StateOfCharge, activity AS Activity";

    private const string LogColumns = "sequence AS Sequence, provider AS Provider, session_id AS SessionId, kind AS Kind, payload AS Payload";

    // The states in these statements are the contract's numbers (SessionStates), constants of this file, never input.
    // C# admits only string constants in a constant interpolated string, so the statements are built once, here.
    // The states that hold an EVSE are listed as the partial index sessions_holding_evse (migration 0006) lists them.
    private static readonly string HoldingEvseSql = string.Create(
        CultureInfo.InvariantCulture,
        $"SELECT {Columns} FROM sessions WHERE evse_id = @evseId AND state IN ({SessionStates.Pending}, {SessionStates.Active}, {SessionStates.Reserved})");

    private static readonly string OpenInfosSql = string.Create(
        CultureInfo.InvariantCulture,
        $"SELECT info FROM sessions WHERE provider = @provider AND state IN ({SessionStates.Pending}, {SessionStates.Active}) AND info IS NOT NULL ORDER BY session_id");

    private static readonly string StalePendingSql = string.Create(
        CultureInfo.InvariantCulture,
        $"""
        SELECT session_id FROM sessions
        WHERE state = {SessionStates.Pending} AND update_time < @before
          AND NOT EXISTS (SELECT 1 FROM commands WHERE commands.session_id = sessions.session_id AND commands.is_open = 1)
        """);

    private readonly ChangeLogTable<ChargingInfoEntry> _log = new(
        database,
        "charging_info_log",
        "charging_info",
        LogColumns,
        reader => new ChargingInfoEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), (byte[])reader.GetValue(4)));

    /// <inheritdoc />
    public SessionRow? Find(WriteContext context, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<SessionRow>($"SELECT {Columns} FROM sessions WHERE session_id = @sessionId", new { sessionId }, context.Transaction);
    }

    /// <inheritdoc />
    public SessionRow? HoldingEvse(WriteContext context, string evseId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<SessionRow>(HoldingEvseSql, new { evseId }, context.Transaction);
    }

    /// <inheritdoc />
    public IReadOnlyList<SessionRow> RecentAtEvse(WriteContext context, string evseId, int limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.Query<SessionRow>(
            $"SELECT {Columns} FROM sessions WHERE evse_id = @evseId ORDER BY change_seq DESC LIMIT @limit", new { evseId, limit }, context.Transaction).AsList();
    }

    /// <inheritdoc />
    public void Save(WriteContext context, SessionRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(row);
        context.Connection.Execute(
            """
            INSERT INTO sessions (session_id, provider, evse_id, state, version, update_time, change_seq, payload, info)
            VALUES (@SessionId, @Provider, @EvseId, @State, @Version, @UpdateTime, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM sessions), @Payload, @Info)
            ON CONFLICT (session_id) DO UPDATE SET
                state = excluded.state, version = excluded.version, update_time = excluded.update_time,
                change_seq = excluded.change_seq, payload = excluded.payload, info = excluded.info
            """,
            row,
            context.Transaction);
    }

    /// <inheritdoc />
    public void AddReading(WriteContext context, SessionReading reading)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(reading);
        context.Connection.Execute(
            """
            INSERT INTO session_readings (session_id, reading_no, measure_time, energy_kwh, power_kw, current_a, state_of_charge, activity)
            VALUES (@SessionId, (SELECT COALESCE(MAX(reading_no), 0) + 1 FROM session_readings WHERE session_id = @SessionId),
                    @MeasureTime, @EnergyKwh, @PowerKw, @CurrentA, @StateOfCharge, @Activity)
            """,
            reading,
            context.Transaction);
    }

    /// <inheritdoc />
    public IReadOnlyList<SessionReading> Readings(WriteContext context, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.Query<SessionReading>(
            $"SELECT {ReadingColumns} FROM session_readings WHERE session_id = @sessionId ORDER BY reading_no", new { sessionId }, context.Transaction).AsList();
    }

    /// <inheritdoc />
    public long AppendLog(WriteContext context, string provider, string sessionId, long kind, byte[] payload, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Changed(StoreChanges.ChargingLog);
        return context.Connection.ExecuteScalar<long>(
            """
            INSERT INTO charging_info_log (provider, session_id, kind, payload, log_time)
            VALUES (@provider, @sessionId, @kind, @payload, @now)
            RETURNING sequence
            """,
            new { provider, sessionId, kind, payload, now = now.ToUnixTimeMilliseconds() },
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<SessionRow?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<SessionRow>(
                new CommandDefinition($"SELECT {Columns} FROM sessions WHERE session_id = @sessionId", new { sessionId }, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionRow>> ListAsync(SessionPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var states = query.States.Count == 0 ? string.Empty : "AND state IN @States";
        var sql = query.UpdatedSince is null
            ? $"""
               SELECT {Columns} FROM sessions
               WHERE provider = @Provider {states} AND session_id > COALESCE(@AfterSessionId, '')
               ORDER BY session_id LIMIT @Limit
               """
            : $"""
               SELECT {Columns} FROM sessions
               WHERE provider = @Provider {states} AND update_time >= @UpdatedSince AND change_seq > COALESCE(@AfterChangeSeq, -1)
               ORDER BY change_seq LIMIT @Limit
               """;
        return database.ReadAsync<IReadOnlyList<SessionRow>>(
            async (connection, ct) => (await connection.QueryAsync<SessionRow>(new CommandDefinition(sql, query, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SessionReading>> ReadingsAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<SessionReading>>(
            async (connection, ct) => (await connection.QueryAsync<SessionReading>(new CommandDefinition(
                $"SELECT {ReadingColumns} FROM session_readings WHERE session_id = @sessionId ORDER BY reading_no", new { sessionId }, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<(long Sequence, IReadOnlyList<byte[]> Infos)> OpenInfosAsync(string provider, CancellationToken cancellationToken) =>
        database.ReadAsync<(long, IReadOnlyList<byte[]>)>(
            async (connection, ct) =>
            {
                // One deferred (read-only) transaction: sessions and log head from one committed state.
                using var transaction = ((SqliteConnection)connection).BeginTransaction(deferred: true);
                var sequence = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    "SELECT COALESCE(MAX(sequence), 0) FROM charging_info_log", transaction: transaction, cancellationToken: ct)).ConfigureAwait(false);
                var infos = (await connection.QueryAsync<byte[]>(new CommandDefinition(
                    OpenInfosSql,
                    new { provider },
                    transaction,
                    cancellationToken: ct)).ConfigureAwait(false)).AsList();
                return (sequence, infos);
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> StalePendingAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(
            async (connection, ct) => (await connection.QueryAsync<string>(new CommandDefinition(
                StalePendingSql,
                new { before = before.ToUnixTimeMilliseconds() },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public async Task<long> LatestSequenceAsync(CancellationToken cancellationToken) =>
        (await BoundsAsync(cancellationToken).ConfigureAwait(false)).Latest;

    /// <inheritdoc />
    public Task<(long Latest, long PrunedThrough)> BoundsAsync(CancellationToken cancellationToken) => _log.BoundsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<(long PrunedThrough, IReadOnlyList<ChargingInfoEntry> Entries)> ReadLogAsync(long afterSequence, int limit, CancellationToken cancellationToken) =>
        _log.ReadLogAsync(afterSequence, limit, cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken) => _log.PruneAsync(before, cancellationToken);
}
