using Dapper;

namespace RoamingGrpc.Storage.Tariffs;

/// <summary>All SQL of the CSO's tariffs.</summary>
public sealed class TariffRepository(IDatabase database) : ITariffRepository
{
    private const string Columns =
        "tariff_id AS TariffId, version AS Version, change_seq AS ChangeSeq, update_time AS UpdateTime, removed AS RemovedFlag, target_provider AS TargetProvider, payload AS Payload";

    /// <inheritdoc />
    public Task<TariffRow?> GetAsync(string tariffId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<TariffRow>(
                new CommandDefinition($"SELECT {Columns} FROM tariffs WHERE tariff_id = @tariffId", new { tariffId }, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<TariffRow>> ListAsync(TariffPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = query.UpdatedSince is null
            ? $"""
               SELECT {Columns} FROM tariffs
               WHERE removed = 0 AND (target_provider IS NULL OR target_provider = @Provider)
                 AND tariff_id > COALESCE(@AfterTariffId, '')
               ORDER BY tariff_id LIMIT @Limit
               """
            : $"""
               SELECT {Columns} FROM tariffs
               WHERE update_time >= @UpdatedSince AND (target_provider IS NULL OR target_provider = @Provider)
                 AND change_seq > COALESCE(@AfterChangeSeq, -1)
               ORDER BY change_seq LIMIT @Limit
               """;
        return database.ReadAsync<IReadOnlyList<TariffRow>>(
            async (connection, ct) => (await connection.QueryAsync<TariffRow>(new CommandDefinition(sql, query, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }

    /// <inheritdoc />
    public TariffRow? Find(WriteContext context, string tariffId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<TariffRow>($"SELECT {Columns} FROM tariffs WHERE tariff_id = @tariffId", new { tariffId }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, TariffRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(row);
        context.Connection.Execute(
            """
            INSERT INTO tariffs (tariff_id, version, change_seq, update_time, removed, target_provider, payload)
            VALUES (@TariffId, @Version, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM tariffs), @UpdateTime, @RemovedFlag, @TargetProvider, @Payload)
            ON CONFLICT (tariff_id) DO UPDATE SET
                version = excluded.version, change_seq = excluded.change_seq, update_time = excluded.update_time,
                removed = excluded.removed, target_provider = excluded.target_provider, payload = excluded.payload
            """,
            row,
            context.Transaction);
    }
}
