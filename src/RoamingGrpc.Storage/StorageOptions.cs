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

    /// <summary>
    /// When the writer's commits reach the disk (<see cref="SqliteSynchronous"/>): <see cref="SqliteSynchronous.Full"/>
    /// by default, so that every write is on disk before its caller is answered and before any reader (a partner's
    /// stream, the outbox relay) can see it (in WAL mode a commit becomes visible to readers only after its sync). It is
    /// set on the writer's connection only: in WAL mode a reader never writes the log, so readers keep SQLite's default
    /// (FULL), which matters only to the checkpoint of the last connection to close the file. Checkpoints (which copy
    /// the log into the database file: SQLite's automatic one, on the writer after a commit once the log holds 1 000
    /// pages) sync the log before and the database file after copying in either mode, so they never lose a synced
    /// commit. <c>PRAGMA fullfsync</c> matters on macOS only; on Linux the sync is <c>fsync</c>/<c>fdatasync</c>.
    /// </summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
}
