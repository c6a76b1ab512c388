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
}
