namespace RoamingGrpc.Storage;

/// <summary>
/// How the single writer's commits reach the disk (SQLite's <c>PRAGMA synchronous</c> in WAL mode), the setting
/// <c>Roaming:DatabaseSynchronous</c>. The values are SQLite's own levels.
/// </summary>
public enum SqliteSynchronous
{
    /// <summary>
    /// The default. Every commit syncs the write-ahead log (fsync) before it returns, so a write the endpoint
    /// acknowledged, and everything a partner has been sent, survives a power loss or kernel crash (on a disk that
    /// honours the flush). Group commit keeps the cost to one sync per writer batch, not per call.
    /// </summary>
    Full = 2,

    /// <summary>
    /// Commits do not sync; the log is synced only at checkpoints. The database stays consistent, and a process crash
    /// loses nothing (the OS holds the written log), but a power loss or kernel crash can roll back the last commits
    /// before the latest checkpoint: acknowledged writes are lost, and change-log sequences partners already received
    /// are issued again for other changes. Only for machines whose storage is disposable (tests, benchmarks).
    /// </summary>
    Normal = 1,
}
