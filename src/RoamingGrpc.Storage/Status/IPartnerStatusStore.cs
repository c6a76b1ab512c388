namespace RoamingGrpc.Storage.Status;

/// <summary>The CSP's copy of partner CSOs' EVSE statuses and its stream cursors (UC1-3 receiving side).</summary>
public interface IPartnerStatusStore
{
    /// <summary>The last sequence applied from <paramref name="cso"/>'s status stream, or null when there is none.</summary>
    Task<long?> CursorAsync(string cso, CancellationToken cancellationToken);

    /// <summary>
    /// Applies events in order, skipping those at or below the stored cursor, and moves the cursor, all in one
    /// transaction; returns the new cursor.
    /// </summary>
    Task<long> ApplyAsync(string cso, IReadOnlyList<StatusEntry> events, CancellationToken cancellationToken);

    /// <summary>Replaces the partner's statuses with a snapshot consistent at <paramref name="sequence"/> and sets the cursor to it.</summary>
    Task ReplaceAsync(string cso, long sequence, IReadOnlyList<StatusEntry> statuses, CancellationToken cancellationToken);

    /// <summary>Forgets the cursor (the next subscription resyncs).</summary>
    Task ResetCursorAsync(string cso, long? sequence, CancellationToken cancellationToken);

    /// <summary>The partner's statuses by EVSE id, and how many events were applied since the cursor was created.</summary>
    Task<(IReadOnlyList<StatusEntry> Statuses, long AppliedEvents)> ListAsync(string cso, CancellationToken cancellationToken);
}
