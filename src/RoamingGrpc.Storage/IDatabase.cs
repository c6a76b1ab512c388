using System.Data.Common;

namespace RoamingGrpc.Storage;

/// <summary>
/// The store's two doors. Writes run one at a time on a single writer, batched into short transactions;
/// a write's task completes only after its transaction committed. Reads run on their own pooled connections.
/// </summary>
public interface IDatabase
{
    /// <summary>
    /// Runs <paramref name="work"/> on the writer inside a transaction (its own savepoint within a batch).
    /// If it throws, its changes are rolled back and the exception is rethrown to the caller; other work in
    /// the same batch is unaffected.
    /// </summary>
    Task<T> WriteAsync<T>(Func<WriteContext, T> work, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> on a fresh read connection.</summary>
    Task<T> ReadAsync<T>(Func<DbConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
