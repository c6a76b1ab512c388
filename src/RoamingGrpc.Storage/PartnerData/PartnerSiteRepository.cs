using Dapper;

namespace RoamingGrpc.Storage.PartnerData;

/// <summary>All SQL of the partner sites a CSP holds.</summary>
public sealed class PartnerSiteRepository(IDatabase database) : IPartnerSiteRepository
{
    /// <inheritdoc />
    public string? DeliveryOutcome(WriteContext context, string sender, string deliveryId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<string>(
            "SELECT outcome FROM received_deliveries WHERE sender = @sender AND delivery_id = @deliveryId", new { sender, deliveryId }, context.Transaction);
    }

    /// <inheritdoc />
    public void RecordDelivery(WriteContext context, string sender, string deliveryId, string outcome, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute(
            "INSERT INTO received_deliveries (sender, delivery_id, outcome, receive_time) VALUES (@sender, @deliveryId, @outcome, @now)",
            new { sender, deliveryId, outcome, now = now.ToUnixTimeMilliseconds() },
            context.Transaction);
    }

    /// <inheritdoc />
    public long? VersionOf(WriteContext context, string cso, string siteId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<long?>(
            "SELECT version FROM partner_sites WHERE cso = @cso AND site_id = @siteId", new { cso, siteId }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, ReceivedSite site, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(site);
        context.Connection.Execute(
            """
            INSERT INTO partner_sites (cso, site_id, version, update_time, removed, payload, receive_time)
            VALUES (@Cso, @SiteId, @Version, @UpdateTime, @RemovedFlag, @Payload, @now)
            ON CONFLICT (cso, site_id) DO UPDATE SET
                version = excluded.version, update_time = excluded.update_time, removed = excluded.removed,
                payload = excluded.payload, receive_time = excluded.receive_time
            """,
            new { site.Cso, site.SiteId, site.Version, site.UpdateTime, site.RemovedFlag, site.Payload, now = now.ToUnixTimeMilliseconds() },
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReceivedSite>> ListAsync(string cso, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ReceivedSite>>(
            async (connection, ct) => (await connection.QueryAsync<ReceivedSite>(new CommandDefinition(
                """
                SELECT cso AS Cso, site_id AS SiteId, version AS Version, update_time AS UpdateTime, removed AS RemovedFlag, payload AS Payload
                FROM partner_sites WHERE cso = @cso ORDER BY site_id
                """,
                new { cso },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
}
