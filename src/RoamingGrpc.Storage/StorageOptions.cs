namespace RoamingGrpc.Storage;

/// <summary>Settings of the embedded SQLite store.</summary>
public sealed class StorageOptions
{
    /// <summary>Path of the SQLite database file; created with its schema when missing.</summary>
    public string DatabasePath { get; set; } = "roaming.db";

    /// <summary>How long a connection waits for a lock before failing (busy timeout).</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most queued writes the single writer commits in one transaction.</summary>
    public int MaxWriteBatch { get; set; } = 256;

    /// <summary>
    /// Page cache of the writer's connection, in MiB (SQLite's own default is 2 MiB). Every status report looks up
    /// and updates index pages spread over the whole EVSE table, so with a national network (a million EVSEs) a
    /// small cache turns those lookups into reads from the OS.
    /// </summary>
    public int WriterCacheMegabytes { get; set; } = 64;
}
