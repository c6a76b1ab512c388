using Dapper;

namespace RoamingGrpc.Storage.Outbox;

/// <summary>All SQL of the outbox.</summary>
public sealed class OutboxRepository(IDatabase database) : IOutbox
{
    /// <inheritdoc />
    public void Enqueue(WriteContext context, string partner, string kind, string entityId, long entityVersion, byte[] payload, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Changed(StoreChanges.Outbox);
        context.Connection.Execute(
            """
            INSERT INTO outbox (partner, kind, entity_id, entity_version, delivery_id, payload, enqueue_time)
            VALUES (@partner, @kind, @entityId, @entityVersion, @deliveryId, @payload, @now)
            """,
            new { partner, kind, entityId, entityVersion, deliveryId = Guid.NewGuid().ToString(), payload, now = now.ToUnixTimeMilliseconds() },
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxEntry>> PeekAsync(string partner, string kind, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<OutboxEntry>>(
            async (connection, ct) => (await connection.QueryAsync<OutboxEntry>(new CommandDefinition(
                """
                SELECT sequence AS Sequence, partner AS Partner, kind AS Kind, entity_id AS EntityId, entity_version AS EntityVersion,
                       delivery_id AS DeliveryId, payload AS Payload, enqueue_time AS EnqueueTime
                FROM outbox WHERE partner = @partner AND kind = @kind ORDER BY sequence LIMIT @limit
                """,
                new { partner, kind, limit },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<(string Partner, string Kind)>> PendingAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<(string Partner, string Kind)>>(
            async (connection, ct) => (await connection.QueryAsync<(string, string)>(new CommandDefinition(
                "SELECT DISTINCT partner, kind FROM outbox", cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task CompleteAsync(
        IReadOnlyList<string> delivered,
        IReadOnlyList<(OutboxEntry Entry, string Reason, string Detail)> rejected,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        ArgumentNullException.ThrowIfNull(rejected);
        return database.WriteAsync(
            context =>
            {
                context.Connection.Execute("DELETE FROM outbox WHERE delivery_id = @id", delivered.Select(id => new { id }), context.Transaction);
                foreach (var (entry, reason, detail) in rejected)
                {
                    context.Connection.Execute(
                        """
                        INSERT OR REPLACE INTO outbox_rejected (delivery_id, partner, kind, entity_id, entity_version, reason, detail, reject_time)
                        VALUES (@DeliveryId, @Partner, @Kind, @EntityId, @EntityVersion, @reason, @detail, @now)
                        """,
                        new { entry.DeliveryId, entry.Partner, entry.Kind, entry.EntityId, entry.EntityVersion, reason, detail, now = now.ToUnixTimeMilliseconds() },
                        context.Transaction);
                    context.Connection.Execute("DELETE FROM outbox WHERE delivery_id = @DeliveryId", new { entry.DeliveryId }, context.Transaction);
                }

                return delivered.Count + rejected.Count;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> DepthAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM outbox", cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<(string Partner, long Depth, long OldestEnqueueTime)>> StatsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<(string Partner, long Depth, long OldestEnqueueTime)>>(
            async (connection, ct) => (await connection.QueryAsync<(string, long, long)>(new CommandDefinition(
                "SELECT partner, COUNT(*), MIN(enqueue_time) FROM outbox GROUP BY partner", cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
}
