using Dapper;

namespace RoamingGrpc.Storage.Charging;

/// <summary>All SQL of the CSO's SDRs.</summary>
public sealed class SdrStore(IDatabase database) : ISdrStore
{
    private const string Columns =
        "sdr_id AS SdrId, provider AS Provider, session_id AS SessionId, origin AS Origin, status AS Status, end_time AS EndTime, update_time AS UpdateTime, change_seq AS ChangeSeq, version AS Version, payload AS Payload";

    /// <inheritdoc />
    public SdrRow? Find(WriteContext context, string sdrId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<SdrRow>($"SELECT {Columns} FROM sdrs WHERE sdr_id = @sdrId", new { sdrId }, context.Transaction);
    }

    /// <inheritdoc />
    public SdrRow? OfSession(WriteContext context, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<SdrRow>(
            $"SELECT {Columns} FROM sdrs WHERE session_id = @sessionId AND origin = 'session'", new { sessionId }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, SdrRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute(
            """
            INSERT INTO sdrs (sdr_id, provider, session_id, origin, status, end_time, update_time, change_seq, version, payload)
            VALUES (@SdrId, @Provider, @SessionId, @Origin, @Status, @EndTime, @UpdateTime, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM sdrs), @Version, @Payload)
            ON CONFLICT (sdr_id) DO UPDATE SET
                status = excluded.status, update_time = excluded.update_time, change_seq = excluded.change_seq,
                version = excluded.version, payload = excluded.payload
            """,
            row,
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<SdrRow?> GetAsync(string sdrId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<SdrRow>(
                new CommandDefinition($"SELECT {Columns} FROM sdrs WHERE sdr_id = @sdrId", new { sdrId }, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SdrRow>> ListAsync(SdrPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filters = (query.Statuses.Count == 0 ? string.Empty : " AND status IN @Statuses")
            + " AND (@EndFrom IS NULL OR end_time >= @EndFrom) AND (@EndBefore IS NULL OR end_time < @EndBefore)";
        var sql = query.UpdatedSince is null
            ? $"""
               SELECT {Columns} FROM sdrs
               WHERE provider = @Provider{filters} AND sdr_id > COALESCE(@AfterSdrId, '')
               ORDER BY sdr_id LIMIT @Limit
               """
            : $"""
               SELECT {Columns} FROM sdrs
               WHERE provider = @Provider{filters} AND update_time >= @UpdatedSince AND change_seq > COALESCE(@AfterChangeSeq, -1)
               ORDER BY change_seq LIMIT @Limit
               """;
        return database.ReadAsync<IReadOnlyList<SdrRow>>(
            async (connection, ct) => (await connection.QueryAsync<SdrRow>(new CommandDefinition(sql, query, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }
}
