using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace RoamingGrpc.Storage;

/// <summary>Opens connections to the database file with the settings every connection needs.</summary>
public sealed class SqliteConnectionFactory(IOptions<StorageOptions> options)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Value.DatabasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = (int)options.Value.BusyTimeout.TotalSeconds,
    }.ToString();

    private readonly int _busyTimeoutMs = (int)options.Value.BusyTimeout.TotalMilliseconds;
    private readonly int _writerCacheKib = Math.Max(2, options.Value.WriterCacheMegabytes) * 1024;
    private readonly string _synchronous = options.Value.Synchronous switch
    {
        SqliteSynchronous.Full => "FULL",
        SqliteSynchronous.Normal => "NORMAL",
        var other => throw new ArgumentOutOfRangeException(nameof(options), other, "Synchronous must be Full or Normal."),
    };

    /// <summary>
    /// Opens a pooled connection for reading only (<see cref="IDatabase.ReadAsync{T}"/>): none of the writer's
    /// pragmas matter to a reader in WAL mode, and waiting on a busy database is the command timeout of the
    /// connection string, so opening one costs no statement.
    /// </summary>
    public SqliteConnection OpenForRead()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Opens the writer's connection: foreign keys on, the busy timeout, <see cref="StorageOptions.Synchronous"/>
    /// (<c>FULL</c> by default: a commit returns once the write-ahead log is synced) and the writer's page cache
    /// (<see cref="StorageOptions.WriterCacheMegabytes"/>).
    /// </summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText =
            $"PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {_busyTimeoutMs}; PRAGMA synchronous = {_synchronous}; PRAGMA cache_size = -{_writerCacheKib};";
        pragma.ExecuteNonQuery();
        return connection;
    }
}
