using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage;

/// <summary>
/// The open connection and transaction a unit of write work runs in, on the single writer. Units use them for
/// their statements only: the writer owns the transaction (commit, rollback, savepoints).
/// </summary>
public sealed class WriteContext
{
    private readonly PreparedStatements _statements;

    internal WriteContext(SqliteConnection connection, SqliteTransaction transaction, PreparedStatements statements)
    {
        Connection = connection;
        Transaction = transaction;
        _statements = statements;
    }

    /// <summary>The writer's connection.</summary>
    public DbConnection Connection { get; }

    /// <summary>The batch transaction every statement runs in.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>
    /// The writer's prepared command for <paramref name="sql"/> (a constant of the calling store, never built from
    /// input), compiled on first use and reused afterwards: for the statements that run once per change or per call.
    /// Set its parameters with <see cref="StatementParameters.Bind"/>; values of an earlier use stay until re-bound.
    /// </summary>
    public DbCommand Statement(string sql) => _statements.Get(sql, (SqliteTransaction)Transaction);
}
