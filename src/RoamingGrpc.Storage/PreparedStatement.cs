using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace RoamingGrpc.Storage;

/// <summary>
/// One of the writer's compiled statements, for the statements that run once per change or per call. It is
/// compiled once per process and bound by position (1-based, in the order of the SQL's parameters): binding by name
/// through Microsoft.Data.Sqlite looks every parameter's index up again on each execution, which was a third of the
/// status write path's time. Use it in a <c>using</c> block: disposing resets it for its next use.
/// </summary>
public sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    internal PreparedStatement(sqlite3 db, string sql)
    {
        _db = db;
        Check(raw.sqlite3_prepare_v2(db, sql, out _statement));
    }

    /// <summary>Binds text (null binds NULL) to parameter <paramref name="index"/>.</summary>
    public PreparedStatement Text(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    /// <summary>Binds an integer to parameter <paramref name="index"/>.</summary>
    public PreparedStatement Number(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    /// <summary>Binds a blob to parameter <paramref name="index"/>.</summary>
    public PreparedStatement Blob(int index, ReadOnlySpan<byte> value)
    {
        Check(raw.sqlite3_bind_blob(_statement, index, value));
        return this;
    }

    /// <summary>Runs the statement to its next row: true when there is one (read it with the column getters).</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }

        return false;
    }

    /// <summary>Runs a statement that returns no rows (or whose rows are not needed).</summary>
    public void Run()
    {
        while (Step())
        {
        }
    }

    /// <summary>Column <paramref name="index"/> (0-based) of the current row as an integer.</summary>
    public long NumberAt(int index) => raw.sqlite3_column_int64(_statement, index);

    /// <summary>Column <paramref name="index"/> (0-based) of the current row as text.</summary>
    public string TextAt(int index) => raw.sqlite3_column_text(_statement, index).utf8_to_string();

    /// <summary>Column <paramref name="index"/> (0-based) of the current row as a blob.</summary>
    public byte[] BlobAt(int index) => raw.sqlite3_column_blob(_statement, index).ToArray();

    /// <summary>Resets the statement and clears its bindings for the next use (the statement stays compiled).</summary>
    public void Dispose()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    /// <summary>Releases the compiled statement; only its cache does this, when the writer's connection closes.</summary>
    internal void Release() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
