using Dapper;

namespace RoamingGrpc.Storage.Support;

/// <summary>All SQL of the unlock audit log.</summary>
public sealed class UnlockRequestLog(IDatabase database) : IUnlockRequestLog
{
    private const string Columns =
        """
        audit_id AS AuditId, provider AS Provider, request_id AS RequestId, request_time AS RequestTime, evse_id AS EvseId,
        connector_id AS ConnectorId, session_id AS SessionId, failed_command_id AS FailedCommandId,
        authorization_reference AS AuthorizationReference, reason AS Reason, command_id AS CommandId,
        refusal_code AS RefusalCode, refusal_reason AS RefusalReason, result AS Result, result_time AS ResultTime,
        result_message AS ResultMessage
        """;

    /// <inheritdoc />
    public void Add(WriteContext context, UnlockRequestRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute(
            """
            INSERT INTO unlock_requests (provider, request_id, request_time, evse_id, connector_id, session_id, failed_command_id,
                authorization_reference, reason, command_id, refusal_code, refusal_reason, result, result_time, result_message)
            VALUES (@Provider, @RequestId, @RequestTime, @EvseId, @ConnectorId, @SessionId, @FailedCommandId,
                @AuthorizationReference, @Reason, @CommandId, @RefusalCode, @RefusalReason, @Result, @ResultTime, @ResultMessage)
            """,
            row,
            context.Transaction);
    }

    /// <inheritdoc />
    public void Close(WriteContext context, string commandId, long result, string message, DateTimeOffset resultTime)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute(
            "UPDATE unlock_requests SET result = @result, result_time = @time, result_message = @message WHERE command_id = @commandId AND result IS NULL",
            new { commandId, result, message, time = resultTime.ToUnixTimeMilliseconds() },
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<UnlockRequestRow>> ListAsync(UnlockPageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = $"""
            SELECT {Columns} FROM unlock_requests
            WHERE (@Provider IS NULL OR provider = @Provider)
              AND (@EvseId IS NULL OR evse_id = @EvseId)
              AND (@RequestedSince IS NULL OR request_time >= @RequestedSince)
              AND audit_id < COALESCE(@BeforeAuditId, 9223372036854775807)
            ORDER BY audit_id DESC
            LIMIT @Limit
            """;
        return database.ReadAsync<IReadOnlyList<UnlockRequestRow>>(
            async (connection, ct) => (await connection.QueryAsync<UnlockRequestRow>(new CommandDefinition(sql, query, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }
}
