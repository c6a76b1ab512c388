namespace RoamingGrpc.Storage.Charging;

/// <summary>The CSO's sessions, their readings and the charging-information log (UC3-1 to UC3-6).</summary>
public interface ISessionStore : IChangeLog<ChargingInfoEntry>
{
    /// <summary>The session, or null (inside the caller's write transaction).</summary>
    SessionRow? Find(WriteContext context, string sessionId);

    /// <summary>The session holding an EVSE (pending, active or reserved), or null.</summary>
    SessionRow? HoldingEvse(WriteContext context, string evseId);

    /// <summary>The sessions that last changed at an EVSE, newest first, at most <paramref name="limit"/> (inside the caller's write transaction).</summary>
    IReadOnlyList<SessionRow> RecentAtEvse(WriteContext context, string evseId, int limit);

    /// <summary>Stores a new version of a session (a fresh change sequence is assigned).</summary>
    void Save(WriteContext context, SessionRow row);

    /// <summary>Appends a reading; its number follows the session's last one.</summary>
    void AddReading(WriteContext context, SessionReading reading);

    /// <summary>The readings of a session in order (inside the caller's write transaction).</summary>
    IReadOnlyList<SessionReading> Readings(WriteContext context, string sessionId);

    /// <summary>Logs a charging-information entry for the provider's streams; returns its sequence.</summary>
    long AppendLog(WriteContext context, string provider, string sessionId, long kind, byte[] payload, DateTimeOffset now);

    /// <summary>The session (any provider), or null.</summary>
    Task<SessionRow?> GetAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>One page of a provider's sessions.</summary>
    Task<IReadOnlyList<SessionRow>> ListAsync(SessionPageQuery query, CancellationToken cancellationToken);

    /// <summary>The readings of a session in order.</summary>
    Task<IReadOnlyList<SessionReading>> ReadingsAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// The latest charging information of every open (pending, active) session of a provider and the log sequence it
    /// is consistent at, read in one transaction.
    /// </summary>
    Task<(long Sequence, IReadOnlyList<byte[]> Infos)> OpenInfosAsync(string provider, CancellationToken cancellationToken);

    /// <summary>Sessions still PENDING without an open command that last changed before <paramref name="before"/>.</summary>
    Task<IReadOnlyList<string>> StalePendingAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>The head of the charging-information log (for list responses).</summary>
    Task<long> LatestSequenceAsync(CancellationToken cancellationToken);
}
