using Dapper;

namespace RoamingGrpc.Storage.Requests;

/// <summary>All SQL of the request log. Find and Add run once per mutating call, on the writer's prepared commands.</summary>
public sealed class RequestLog(IDatabase database) : IRequestLog
{
    private const string FindSql =
        """
        SELECT request_hash AS RequestHash, response AS Response
        FROM request_log
        WHERE caller = @caller AND method = @method AND request_id = @requestId
        """;

    /// <inheritdoc />
    public LoggedRequest? Find(WriteContext context, RequestKey key)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        using var reader = context.Statement(FindSql)
            .Bind("@caller", key.Caller)
            .Bind("@method", key.Method)
            .Bind("@requestId", key.RequestId)
            .ExecuteReader();
        return reader.Read() ? new LoggedRequest((byte[])reader.GetValue(0), (byte[])reader.GetValue(1)) : null;
    }

    /// <inheritdoc />
    public Task<LoggedRequest?> FindAsync(RequestKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<LoggedRequest>(new CommandDefinition(
                FindSql, new { caller = key.Caller, method = key.Method, requestId = key.RequestId }, cancellationToken: ct)),
            cancellationToken);
    }

    /// <inheritdoc />
    public void Add(WriteContext context, RequestKey key, LoggedRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        context.Statement(
            """
            INSERT INTO request_log (caller, method, request_id, request_hash, response, create_time)
            VALUES (@caller, @method, @requestId, @requestHash, @response, @now)
            """)
            .Bind("@caller", key.Caller)
            .Bind("@method", key.Method)
            .Bind("@requestId", key.RequestId)
            .Bind("@requestHash", request.RequestHash)
            .Bind("@response", request.Response)
            .Bind("@now", now.ToUnixTimeMilliseconds())
            .ExecuteNonQuery();
    }

    /// <inheritdoc />
    public Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync(
            context => context.Connection.Execute(
                """
                DELETE FROM request_log WHERE rowid IN
                    (SELECT rowid FROM request_log WHERE create_time < @before ORDER BY create_time LIMIT @limit)
                """,
                new { before = before.ToUnixTimeMilliseconds(), limit },
                context.Transaction),
            cancellationToken);
}
