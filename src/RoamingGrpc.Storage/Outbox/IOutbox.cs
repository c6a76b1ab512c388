namespace RoamingGrpc.Storage.Outbox;

/// <summary>The durable push queue (ARCHITECTURE section 3, delivery pattern 3).</summary>
public interface IOutbox
{
    /// <summary>Queues a change for a partner, inside the write transaction of the change itself.</summary>
    void Enqueue(WriteContext context, string partner, string kind, string entityId, long entityVersion, byte[] payload, DateTimeOffset now);

    /// <summary>The oldest waiting entries of one partner and kind, in order.</summary>
    Task<IReadOnlyList<OutboxEntry>> PeekAsync(string partner, string kind, int limit, CancellationToken cancellationToken);

    /// <summary>Partners and kinds with waiting entries.</summary>
    Task<IReadOnlyList<(string Partner, string Kind)>> PendingAsync(CancellationToken cancellationToken);

    /// <summary>Removes answered entries; refused ones are kept in <c>outbox_rejected</c> with the reason.</summary>
    Task CompleteAsync(IReadOnlyList<string> delivered, IReadOnlyList<(OutboxEntry Entry, string Reason, string Detail)> rejected, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>How many entries wait, in all.</summary>
    Task<long> DepthAsync(CancellationToken cancellationToken);

    /// <summary>Per partner: entries waiting and the enqueue time (unix ms) of the oldest.</summary>
    Task<IReadOnlyList<(string Partner, long Depth, long OldestEnqueueTime)>> StatsAsync(CancellationToken cancellationToken);
}
