using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Storage;

/// <summary>
/// The writer connection's prepared statements, kept for the connection's lifetime. Microsoft.Data.Sqlite prepares
/// a command's SQL once and reuses the compiled statement on every execution of the same command, so the hot
/// statements of the write path are compiled once per process instead of once per call.
/// </summary>
internal sealed class PreparedStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>The command for <paramref name="sql"/> in <paramref name="transaction"/>, with the parameters it had.</summary>
    public SqliteCommand Get(string sql, SqliteTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
