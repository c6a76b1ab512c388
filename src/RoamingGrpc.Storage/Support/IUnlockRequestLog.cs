namespace RoamingGrpc.Storage.Support;

/// <summary>The CSO's audit log of emergency unlock requests (UC5-2, UC5-3).</summary>
public interface IUnlockRequestLog
{
    /// <summary>Records a request (accepted with its command, or refused); the audit id is assigned.</summary>
    void Add(WriteContext context, UnlockRequestRow row);

    /// <summary>Records the outcome of the request whose command is <paramref name="commandId"/> (no-op for another command).</summary>
    void Close(WriteContext context, string commandId, long result, string message, DateTimeOffset resultTime);

    /// <summary>One page of the log; see <see cref="UnlockPageQuery"/>.</summary>
    Task<IReadOnlyList<UnlockRequestRow>> ListAsync(UnlockPageQuery query, CancellationToken cancellationToken);
}
