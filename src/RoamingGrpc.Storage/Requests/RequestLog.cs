using Dapper;

namespace RoamingGrpc.Storage.Requests;

/// <summary>All SQL of the request log.</summary>
public sealed class RequestLog : IRequestLog
{
    /// <inheritdoc />
    public LoggedRequest? Find(WriteContext context, RequestKey key)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<LoggedRequest>(
            """
            SELECT request_hash AS RequestHash, response AS Response
            FROM request_log
            WHERE caller = @Caller AND method = @Method AND request_id = @RequestId
            """,
            key,
            context.Transaction);
    }

    /// <inheritdoc />
    public void Add(WriteContext context, RequestKey key, LoggedRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(request);
        context.Connection.Execute(
            """
            INSERT INTO request_log (caller, method, request_id, request_hash, response, create_time)
            VALUES (@Caller, @Method, @RequestId, @RequestHash, @Response, @Now)
            """,
            new { key.Caller, key.Method, key.RequestId, request.RequestHash, request.Response, Now = now.ToUnixTimeMilliseconds() },
            context.Transaction);
    }
}
