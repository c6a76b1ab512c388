using System.Data.Common;

namespace RoamingGrpc.Storage;

/// <summary>
/// The open connection and transaction a unit of write work runs in, on the single writer. Units use them for
/// their statements only: the writer owns the transaction (commit, rollback, savepoints).
/// </summary>
public sealed record WriteContext(DbConnection Connection, DbTransaction Transaction);
