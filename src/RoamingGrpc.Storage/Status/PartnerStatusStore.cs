using Dapper;

namespace RoamingGrpc.Storage.Status;

/// <summary>All SQL of the CSP's copy of partner EVSE statuses.</summary>
public sealed class PartnerStatusStore(IDatabase database) : IPartnerStatusStore
{
    private const string Stream = "evse_status";

    /// <inheritdoc />
    public Task<long?> CursorAsync(string cso, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT last_sequence FROM stream_cursors WHERE cso = @cso AND stream = @Stream", new { cso, Stream }, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<long> ApplyAsync(string cso, IReadOnlyList<StatusEntry> events, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context =>
            {
                var cursor = context.Connection.ExecuteScalar<long?>(
                    "SELECT last_sequence FROM stream_cursors WHERE cso = @cso AND stream = @Stream", new { cso, Stream }, context.Transaction) ?? 0;
                var applied = 0;
                foreach (var entry in events.Where(entry => entry.Sequence > cursor).OrderBy(entry => entry.Sequence))
                {
                    context.Connection.Execute(
                        """
                        INSERT INTO partner_evse_status (cso, evse_id, site_id, status, change_time, sequence)
                        VALUES (@cso, @EvseId, @SiteId, @Status, @ChangeTime, @Sequence)
                        ON CONFLICT (cso, evse_id) DO UPDATE SET site_id = excluded.site_id, status = excluded.status,
                            change_time = excluded.change_time, sequence = excluded.sequence
                        """,
                        new { cso, entry.EvseId, entry.SiteId, entry.Status, entry.ChangeTime, entry.Sequence },
                        context.Transaction);
                    cursor = entry.Sequence;
                    applied++;
                }

                context.Connection.Execute(
                    """
                    INSERT INTO stream_cursors (cso, stream, last_sequence, applied_events) VALUES (@cso, @Stream, @cursor, @applied)
                    ON CONFLICT (cso, stream) DO UPDATE SET last_sequence = excluded.last_sequence,
                        applied_events = stream_cursors.applied_events + excluded.applied_events
                    """,
                    new { cso, Stream, cursor, applied },
                    context.Transaction);
                return cursor;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task ReplaceAsync(string cso, long sequence, IReadOnlyList<StatusEntry> statuses, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context =>
            {
                context.Connection.Execute("DELETE FROM partner_evse_status WHERE cso = @cso", new { cso }, context.Transaction);
                context.Connection.Execute(
                    """
                    INSERT INTO partner_evse_status (cso, evse_id, site_id, status, change_time, sequence)
                    VALUES (@cso, @EvseId, @SiteId, @Status, @ChangeTime, @Sequence)
                    """,
                    statuses.Select(entry => new { cso, entry.EvseId, entry.SiteId, entry.Status, entry.ChangeTime, entry.Sequence }),
                    context.Transaction);
                context.Connection.Execute(
                    """
                    INSERT INTO stream_cursors (cso, stream, last_sequence, applied_events) VALUES (@cso, @Stream, @sequence, 0)
                    ON CONFLICT (cso, stream) DO UPDATE SET last_sequence = excluded.last_sequence
                    """,
                    new { cso, Stream, sequence },
                    context.Transaction);
                return statuses.Count;
            },
            cancellationToken);

    /// <inheritdoc />
    public Task ResetCursorAsync(string cso, long? sequence, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context => sequence is { } value
                ? context.Connection.Execute("UPDATE stream_cursors SET last_sequence = @value WHERE cso = @cso AND stream = @Stream", new { cso, Stream, value }, context.Transaction)
                : context.Connection.Execute("DELETE FROM stream_cursors WHERE cso = @cso AND stream = @Stream", new { cso, Stream }, context.Transaction),
            cancellationToken);

    /// <inheritdoc />
    public Task<(IReadOnlyList<StatusEntry> Statuses, long AppliedEvents)> ListAsync(string cso, CancellationToken cancellationToken) =>
        database.ReadAsync<(IReadOnlyList<StatusEntry>, long)>(
            async (connection, ct) =>
            {
                // One read transaction, so that the statuses and the count describe the same commit.
                using var transaction = ((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: true);
                var statuses = (await connection.QueryAsync<StatusEntry>(new CommandDefinition(
                    "SELECT sequence AS Sequence, evse_id AS EvseId, site_id AS SiteId, status AS Status, change_time AS ChangeTime FROM partner_evse_status WHERE cso = @cso ORDER BY evse_id",
                    new { cso },
                    transaction,
                    cancellationToken: ct)).ConfigureAwait(false)).AsList();
                var applied = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "SELECT applied_events FROM stream_cursors WHERE cso = @cso AND stream = @Stream", new { cso, Stream }, transaction, cancellationToken: ct)).ConfigureAwait(false) ?? 0;
                return (statuses, applied);
            },
            cancellationToken);
}
