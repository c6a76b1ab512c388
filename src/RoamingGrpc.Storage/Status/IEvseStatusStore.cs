namespace RoamingGrpc.Storage.Status;

/// <summary>The CSO's EVSE statuses and their change log (UC1-3).</summary>
public interface IEvseStatusStore : IChangeLog<StatusEntry>
{
    /// <summary>The current status of an EVSE, or null (inside the caller's write transaction).</summary>
    StatusEntry? Current(WriteContext context, string evseId);

    /// <summary>The current statuses of several EVSEs in one query (EVSEs without one are absent), inside the caller's write transaction.</summary>
    IReadOnlyDictionary<string, StatusEntry> CurrentOf(WriteContext context, IReadOnlyCollection<string> evseIds);

    /// <summary>Logs a change and makes it current; returns its sequence.</summary>
    long Append(WriteContext context, string evseId, string siteId, long status, long changeTime, DateTimeOffset now);

    /// <summary>
    /// A consistent snapshot: current statuses (ordered by EVSE id, after <paramref name="afterEvseId"/>) and the
    /// log sequence they are consistent at, read in one transaction.
    /// </summary>
    Task<(long Sequence, IReadOnlyList<StatusEntry> Statuses)> SnapshotAsync(string? afterEvseId, int limit, CancellationToken cancellationToken);
}
