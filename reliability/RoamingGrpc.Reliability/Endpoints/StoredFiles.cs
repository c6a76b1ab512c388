using Microsoft.Data.Sqlite;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>
/// Reads an endpoint's SQLite file read-only after its process stopped: <c>PRAGMA integrity_check</c>, and what no RPC
/// exposes yet (the CSP's received records, the CSO's outbox).
/// </summary>
internal sealed class StoredFiles : IDisposable
{
    private readonly SqliteConnection _connection;

    private StoredFiles(SqliteConnection connection) => _connection = connection;

    public static StoredFiles Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        return new StoredFiles(connection);
    }

    /// <summary>The rows of <c>PRAGMA integrity_check</c> ("ok" alone when the file is sound).</summary>
    public IReadOnlyList<string> IntegrityCheck() => Strings("PRAGMA integrity_check");

    /// <summary>A single number.</summary>
    public long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The CSP's received records of <paramref name="kind"/> from <paramref name="cso"/>: id, version, tombstone, payload.</summary>
    public IReadOnlyDictionary<string, (long Version, bool Removed, byte[] Payload)> Received(string cso, string kind)
    {
        var records = new Dictionary<string, (long, bool, byte[])>(StringComparer.Ordinal);
        using var command = Command("SELECT record_id, version, removed, payload FROM received_records WHERE cso = @cso AND kind = @kind", ("@cso", cso), ("@kind", kind));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            records[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2) != 0, (byte[])reader.GetValue(3));
        }

        return records;
    }

    public void Dispose() => _connection.Dispose();

    private List<string> Strings(string sql)
    {
        using var command = Command(sql);
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
