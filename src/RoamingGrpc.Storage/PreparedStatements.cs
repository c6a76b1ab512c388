using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage;

/// <summary>The writer connection's <see cref="PreparedStatement"/>s, compiled on first use and kept for the connection's lifetime.</summary>
internal sealed class PreparedStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, PreparedStatement> _statements = new(StringComparer.Ordinal);

    /// <summary>The statement for <paramref name="sql"/>.</summary>
    public PreparedStatement Get(string sql)
    {
        if (!_statements.TryGetValue(sql, out var statement))
        {
            statement = new PreparedStatement(connection.Handle!, sql);
            _statements.Add(sql, statement);
        }

        return statement;
    }

    public void Dispose()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Release();
        }

        _statements.Clear();
    }
}
