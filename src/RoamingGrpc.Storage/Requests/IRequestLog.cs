namespace RoamingGrpc.Storage.Requests;

/// <summary>
/// Remembers processed mutating requests so that a retry with the same request id is answered with the
/// same response and has no second effect. Used inside the write transaction of the mutation itself.
/// </summary>
public interface IRequestLog
{
    /// <summary>The earlier processing of <paramref name="key"/>, or null.</summary>
    LoggedRequest? Find(WriteContext context, RequestKey key);

    /// <summary>Records that <paramref name="key"/> was processed with this request hash and response.</summary>
    void Add(WriteContext context, RequestKey key, LoggedRequest request, DateTimeOffset now);

    /// <summary>The requests to <paramref name="method"/> recorded at or after <paramref name="since"/>, with their record times.</summary>
    Task<IReadOnlyList<(RequestKey Key, LoggedRequest Request, DateTimeOffset Time)>> RecentAsync(string method, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets at most <paramref name="limit"/> requests recorded before <paramref name="before"/> (one write);
    /// returns how many were removed. A retry of a forgotten request id is processed as a new request.
    /// </summary>
    Task<int> PruneAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken);
}
