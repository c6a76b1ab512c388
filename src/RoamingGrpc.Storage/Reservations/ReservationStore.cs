using System.Globalization;
using Dapper;

namespace RoamingGrpc.Storage.Reservations;

/// <summary>All SQL of the CSO's reservations.</summary>
public sealed class ReservationStore(IDatabase database) : IReservationStore
{
    private const string Columns =
        "reservation_id AS ReservationId, provider AS Provider, evse_id AS EvseId, state AS State, expiry_time AS ExpiryTime, previous_status AS PreviousStatus, "
        + "cancel_command_id AS CancelCommandId, version AS Version, update_time AS UpdateTime, change_seq AS ChangeSeq, payload AS Payload";

    // The states in these statements are the contract's numbers (ReservationStates), constants of this file, never
    // input. C# admits only string constants in a constant interpolated string, so the statements are built once,
    // here. The states that hold an EVSE are listed as the partial indexes reservations_holding_evse and
    // reservations_expiring (migration 0009) list them, so that SQLite can use them.
    private static readonly string HoldingEvseSql = string.Create(
        CultureInfo.InvariantCulture,
        $"SELECT {Columns} FROM reservations WHERE evse_id = @evseId AND state IN ({ReservationStates.Pending}, {ReservationStates.Active})");

    private static readonly string DueSql = string.Create(
        CultureInfo.InvariantCulture,
        $"SELECT reservation_id FROM reservations WHERE state IN ({ReservationStates.Pending}, {ReservationStates.Active}) AND expiry_time <= @now ORDER BY expiry_time");

    /// <inheritdoc />
    public ReservationRow? Find(WriteContext context, string reservationId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<ReservationRow>(
            $"SELECT {Columns} FROM reservations WHERE reservation_id = @reservationId", new { reservationId }, context.Transaction);
    }

    /// <inheritdoc />
    public ReservationRow? HoldingEvse(WriteContext context, string evseId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<ReservationRow>(HoldingEvseSql, new { evseId }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, ReservationRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(row);
        context.Connection.Execute(
            """
            INSERT INTO reservations (reservation_id, provider, evse_id, state, expiry_time, previous_status, cancel_command_id, version, update_time, change_seq, payload)
            VALUES (@ReservationId, @Provider, @EvseId, @State, @ExpiryTime, @PreviousStatus, @CancelCommandId, @Version, @UpdateTime,
                    (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM reservations), @Payload)
            ON CONFLICT (reservation_id) DO UPDATE SET
                state = excluded.state, previous_status = excluded.previous_status, cancel_command_id = excluded.cancel_command_id,
                version = excluded.version, update_time = excluded.update_time, change_seq = excluded.change_seq, payload = excluded.payload
            """,
            row,
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<ReservationRow?> GetAsync(string reservationId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<ReservationRow>(
                new CommandDefinition($"SELECT {Columns} FROM reservations WHERE reservation_id = @reservationId", new { reservationId }, cancellationToken: ct)),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ReservationRow>> ListAsync(ReservationPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var states = query.States.Count == 0 ? string.Empty : "AND state IN @States";
        var sql = query.UpdatedSince is null
            ? $"""
               SELECT {Columns} FROM reservations
               WHERE provider = @Provider {states} AND reservation_id > COALESCE(@AfterReservationId, '')
               ORDER BY reservation_id LIMIT @Limit
               """
            : $"""
               SELECT {Columns} FROM reservations
               WHERE provider = @Provider {states} AND update_time >= @UpdatedSince AND change_seq > COALESCE(@AfterChangeSeq, -1)
               ORDER BY change_seq LIMIT @Limit
               """;
        return database.ReadAsync<IReadOnlyList<ReservationRow>>(
            async (connection, ct) => (await connection.QueryAsync<ReservationRow>(new CommandDefinition(sql, query, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(
            async (connection, ct) => (await connection.QueryAsync<string>(new CommandDefinition(
                DueSql,
                new { now = now.ToUnixTimeMilliseconds() },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
}
