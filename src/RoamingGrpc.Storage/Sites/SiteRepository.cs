using Dapper;

namespace RoamingGrpc.Storage.Sites;

/// <summary>All SQL of the CSO's sites.</summary>
public sealed class SiteRepository(IDatabase database) : ISiteRepository
{
    private const string Columns =
        "site_id AS SiteId, version AS Version, change_seq AS ChangeSeq, update_time AS UpdateTime, removed AS RemovedFlag, country_code AS CountryCode, payload AS Payload";

    /// <inheritdoc />
    public Task<SiteRow?> GetAsync(string siteId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<SiteRow>(
                new CommandDefinition($"SELECT {Columns} FROM sites WHERE site_id = @siteId", new { siteId }, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<SiteRow?> GetByEvseAsync(string evseId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<SiteRow>(
                new CommandDefinition(
                    $"SELECT {Columns} FROM sites WHERE removed = 0 AND site_id = (SELECT site_id FROM site_evses WHERE evse_id = @evseId)",
                    new { evseId },
                    cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<SiteRow>> ListAsync(SitePageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = query.UpdatedSince is null
            ? $"""
               SELECT {Columns} FROM sites
               WHERE removed = 0
                 AND (@CountryCode IS NULL OR country_code = @CountryCode)
                 AND site_id > COALESCE(@AfterSiteId, '')
               ORDER BY site_id
               LIMIT @Limit
               """
            : $"""
               SELECT {Columns} FROM sites
               WHERE update_time >= @UpdatedSince
                 AND (@CountryCode IS NULL OR country_code = @CountryCode)
                 AND change_seq > COALESCE(@AfterChangeSeq, -1)
               ORDER BY change_seq
               LIMIT @Limit
               """;
        return database.ReadAsync<IReadOnlyList<SiteRow>>(
            async (connection, ct) => (await connection.QueryAsync<SiteRow>(new CommandDefinition(sql, query, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }

    /// <inheritdoc />
    public SiteRow? Find(WriteContext context, string siteId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<SiteRow>($"SELECT {Columns} FROM sites WHERE site_id = @siteId", new { siteId }, context.Transaction);
    }

    /// <inheritdoc />
    public string? SiteOfEvse(WriteContext context, string evseId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<string>("SELECT site_id FROM site_evses WHERE evse_id = @evseId", new { evseId }, context.Transaction);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> SitesOfEvses(WriteContext context, IReadOnlyCollection<string> evseIds)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sites = new Dictionary<string, string>(evseIds.Count, StringComparer.Ordinal);
        using var statement = context.Statement("SELECT evse_id, site_id FROM site_evses WHERE evse_id IN (SELECT value FROM json_each(?1))")
            .Text(1, SqlList.Of(evseIds));
        while (statement.Step())
        {
            sites[statement.TextAt(0)] = statement.TextAt(1);
        }

        return sites;
    }

    /// <inheritdoc />
    public long NextChangeSeq(WriteContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.ExecuteScalar<long>("SELECT COALESCE(MAX(change_seq), 0) + 1 FROM sites", transaction: context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, SiteRow row, IReadOnlyCollection<string> evseIds)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(evseIds);
        context.Connection.Execute(
            """
            INSERT INTO sites (site_id, version, change_seq, update_time, removed, country_code, payload)
            VALUES (@SiteId, @Version, @ChangeSeq, @UpdateTime, @RemovedFlag, @CountryCode, @Payload)
            ON CONFLICT (site_id) DO UPDATE SET
                version = excluded.version, change_seq = excluded.change_seq, update_time = excluded.update_time,
                removed = excluded.removed, country_code = excluded.country_code, payload = excluded.payload
            """,
            row,
            context.Transaction);
        context.Connection.Execute("DELETE FROM site_evses WHERE site_id = @SiteId", new { row.SiteId }, context.Transaction);
        context.Connection.Execute(
            "INSERT INTO site_evses (evse_id, site_id) VALUES (@EvseId, @SiteId)",
            evseIds.Select(evseId => new { EvseId = evseId, row.SiteId }),
            context.Transaction);
    }
}
