using Dapper;

namespace RoamingGrpc.Storage.PartnerData;

/// <summary>All SQL of the records a CSP received from partner CSOs.</summary>
public sealed class ReceivedRecords(IDatabase database) : IReceivedRecords
{
    /// <inheritdoc />
    public DeliveryRecord? DeliveryOutcome(WriteContext context, string sender, string deliveryId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<DeliveryRecord>(
            "SELECT delivery_id AS DeliveryId, outcome AS Outcome, error_reason AS ErrorReason FROM received_deliveries WHERE sender = @sender AND delivery_id = @deliveryId",
            new { sender, deliveryId },
            context.Transaction);
    }

    /// <inheritdoc />
    public void RecordDelivery(WriteContext context, string sender, DeliveryRecord delivery, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(delivery);
        context.Connection.Execute(
            "INSERT INTO received_deliveries (sender, delivery_id, outcome, error_reason, receive_time) VALUES (@sender, @DeliveryId, @Outcome, @ErrorReason, @now)",
            new { sender, delivery.DeliveryId, delivery.Outcome, delivery.ErrorReason, now = now.ToUnixTimeMilliseconds() },
            context.Transaction);
    }

    /// <inheritdoc />
    public long? VersionOf(WriteContext context, string cso, string kind, string recordId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<long?>(
            "SELECT version FROM received_records WHERE cso = @cso AND kind = @kind AND record_id = @recordId", new { cso, kind, recordId }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, ReceivedRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(record);
        context.Connection.Execute(
            """
            INSERT INTO received_records (cso, kind, record_id, version, update_time, removed, payload, receive_time)
            VALUES (@Cso, @Kind, @RecordId, @Version, @UpdateTime, @RemovedFlag, @Payload, @now)
            ON CONFLICT (cso, kind, record_id) DO UPDATE SET
                version = excluded.version, update_time = excluded.update_time, removed = excluded.removed,
                payload = excluded.payload, receive_time = excluded.receive_time
            """,
            new { record.Cso, record.Kind, record.RecordId, record.Version, record.UpdateTime, record.RemovedFlag, record.Payload, now = now.ToUnixTimeMilliseconds() },
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ReceivedRecord>> ListAsync(string cso, string kind, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ReceivedRecord>>(
            async (connection, ct) => (await connection.QueryAsync<ReceivedRecord>(new CommandDefinition(
                """
                SELECT cso AS Cso, kind AS Kind, record_id AS RecordId, version AS Version, update_time AS UpdateTime,
                       removed AS RemovedFlag, payload AS Payload
                FROM received_records WHERE cso = @cso AND kind = @kind ORDER BY record_id
                """,
                new { cso, kind },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<ReceivedRecord?> GetAsync(string cso, string kind, string recordId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<ReceivedRecord>(new CommandDefinition(
                """
                SELECT cso AS Cso, kind AS Kind, record_id AS RecordId, version AS Version, update_time AS UpdateTime,
                       removed AS RemovedFlag, payload AS Payload
                FROM received_records WHERE cso = @cso AND kind = @kind AND record_id = @recordId
                """,
                new { cso, kind, recordId },
                cancellationToken: ct)),
            cancellationToken);
}
