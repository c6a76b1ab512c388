using Dapper;

namespace RoamingGrpc.Storage.Requests;

/// <summary>All SQL of the request log. Find and Add run once per mutating call, on the writer's prepared commands.</summary>
public sealed class RequestLog(IDatabase database) : IRequestLog
{
    private const string FindSql =
        """
        SELECT request_hash, response
        FROM request_log
        WHERE caller = ?1 AND method = ?2 AND request_id = ?3
        """;

    /// <inheritdoc />
    public LoggedRequest? Find(WriteContext context, RequestKey key)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        using var statement = context.Statement(FindSql).Text(1, key.Caller).Text(2, key.Method).Text(3, key.RequestId);
        return statement.Step() ? new LoggedRequest(statement.BlobAt(0), statement.BlobAt(1)) : null;
    }

    /// <inheritdoc />
    public void Add(WriteContext context, RequestKey key, LoggedRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        using var statement = context.Statement(
            """
            INSERT INTO request_log (caller, method, request_id, request_hash, response, create_time)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """);
        statement.Text(1, key.Caller).Text(2, key.Method).Text(3, key.RequestId).Blob(4, request.RequestHash).Blob(5, request.Response)
            .Number(6, now.ToUnixTimeMilliseconds()).Run();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(RequestKey Key, LoggedRequest Request, DateTimeOffset Time)>> RecentAsync(string method, DateTimeOffset since, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<(RequestKey, LoggedRequest, DateTimeOffset)>>(
            async (connection, ct) =>
            {
                var rows = await connection.QueryAsync<(string Caller, string RequestId, byte[] RequestHash, byte[] Response, long CreateTime)>(new CommandDefinition(
                    "SELECT caller, request_id, request_hash, response, create_time FROM request_log WHERE create_time >= @since AND method = @method ORDER BY create_time",
                    new { since = since.ToUnixTimeMilliseconds(), method },
                    cancellationToken: ct)).ConfigureAwait(false);
                return [.. rows.Select(row => (
                    new RequestKey(row.Caller, method, row.RequestId),
                    new LoggedRequest(row.RequestHash, row.Response),
                    DateTimeOffset.FromUnixTimeMilliseconds(row.CreateTime)))];
            },
            cancellationToken);

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
