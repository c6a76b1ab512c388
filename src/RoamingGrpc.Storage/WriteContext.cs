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

    /// <summary>What this unit changed that someone may wait for; reported to the <see cref="CommitNotifier"/> after the commit.</summary>
    public StoreChanges Changes { get; private set; }

    /// <summary>Marks <paramref name="change"/> as written by this unit (stores call it next to the statement that writes it).</summary>
    public void Changed(StoreChanges change) => Changes |= change;

    /// <summary>Starts a new unit of work in the batch: nothing changed yet.</summary>
    internal void BeginUnit() => Changes = StoreChanges.None;

    /// <summary>
    /// The writer's compiled statement for <paramref name="sql"/> (a constant of the calling store, never built from
    /// input), for the statements that run once per change or per call: bind by position, step, and dispose (which
    /// resets it). It runs in this unit's transaction, on the writer's connection.
    /// </summary>
    public PreparedStatement Statement(string sql) => _statements.Get(sql);
}
