using Dapper;

namespace RoamingGrpc.Storage.Charging;

/// <summary>All SQL of the commands partners sent.</summary>
public sealed class CommandStore(IDatabase database) : ICommandStore
{
    private const string Columns =
        "command_id AS CommandId, provider AS Provider, command_type AS CommandType, session_id AS SessionId, evse_id AS EvseId, is_open AS IsOpenFlag, deadline_time AS DeadlineTime, payload AS Payload, result AS Result";

    /// <inheritdoc />
    public CommandRow? Find(WriteContext context, string commandId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<CommandRow>($"SELECT {Columns} FROM commands WHERE command_id = @commandId", new { commandId }, context.Transaction);
    }

    /// <inheritdoc />
    public CommandRow? OpenFor(WriteContext context, string sessionId, long commandType)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QueryFirstOrDefault<CommandRow>(
            $"SELECT {Columns} FROM commands WHERE session_id = @sessionId AND command_type = @commandType AND is_open = 1",
            new { sessionId, commandType },
            context.Transaction);
    }

    /// <inheritdoc />
    public void Add(WriteContext context, CommandRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Changed(StoreChanges.StationCommands);
        context.Connection.Execute(
            """
            INSERT INTO commands (command_id, provider, command_type, session_id, evse_id, is_open, deadline_time, payload, result)
            VALUES (@CommandId, @Provider, @CommandType, @SessionId, @EvseId, @IsOpenFlag, @DeadlineTime, @Payload, @Result)
            """,
            row,
            context.Transaction);
    }

    /// <inheritdoc />
    public void Complete(WriteContext context, string commandId, byte[] result)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute(
            "UPDATE commands SET is_open = 0, result = @result WHERE command_id = @commandId", new { commandId, result }, context.Transaction);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CommandRow>> OpenAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<CommandRow>>(
            async (connection, ct) => (await connection.QueryAsync<CommandRow>(new CommandDefinition(
                $"SELECT {Columns} FROM commands WHERE is_open = 1 ORDER BY rowid", cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<CommandRow>> OverdueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<CommandRow>>(
            async (connection, ct) => (await connection.QueryAsync<CommandRow>(new CommandDefinition(
                $"SELECT {Columns} FROM commands WHERE is_open = 1 AND deadline_time < @now ORDER BY deadline_time",
                new { now = now.ToUnixTimeMilliseconds() },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<long?> NextDeadlineAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT MIN(deadline_time) FROM commands WHERE is_open = 1", cancellationToken: ct)),
            cancellationToken);
}
