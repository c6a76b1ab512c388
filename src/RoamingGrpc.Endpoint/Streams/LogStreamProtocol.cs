using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Streams;

/// <summary>
/// The messages of one resumable stream RPC (<c>streams.proto</c>): how its requests are read and its responses
/// built, which entries the consumer sees, and its snapshot. <see cref="LogStreamSession{TRequest, TResponse, TEntry}"/>
/// runs the protocol that every such stream shares (cursor, window, acks, nacks, heartbeats, resync).
/// One instance serves one stream: <see cref="Begin"/> fixes its filters.
/// </summary>
internal abstract class LogStreamProtocol<TRequest, TResponse, TEntry>
{
    /// <summary>The RPC name, for error details.</summary>
    public abstract string RpcName { get; }

    /// <summary>What the consumer should pull to resync after a stale cursor (e.g. "ListEvseStatuses").</summary>
    public abstract string ResyncListing { get; }

    /// <summary>The kind of a consumer message, and its sequence for an ack or nack.</summary>
    public abstract StreamRequestKind KindOf(TRequest request, out ulong sequence);

    /// <summary>Reads the start message and fixes this stream's filters (INVALID_ARGUMENT for a bad filter).</summary>
    public abstract StreamStart Begin(TRequest start);

    /// <summary>The response carrying <paramref name="opened"/>.</summary>
    public abstract TResponse Opened(StreamOpened opened);

    /// <summary>The response carrying <paramref name="heartbeat"/>.</summary>
    public abstract TResponse Heartbeat(StreamHeartbeat heartbeat);

    /// <summary>The event for an entry, or null when this stream's consumer does not see it.</summary>
    public abstract TResponse? EventOf(TEntry entry, long sequence);

    /// <summary>Most events per message this stream's consumer accepted in its start (1: each event in its own message).</summary>
    public virtual int MaxEventsPerMessage => 1;

    /// <summary>One message carrying several events built by <see cref="EventOf"/>, for <see cref="MaxEventsPerMessage"/> above 1.</summary>
    public virtual TResponse Batch(IReadOnlyList<TResponse> events) =>
        throw new NotSupportedException($"{RpcName} has no message with several events.");

    /// <summary>
    /// When the consumer is behind, only the newest pending entry per key is sent (older ones are skipped as gaps):
    /// the key of an entry that may be coalesced, or null for one that is never skipped.
    /// </summary>
    public virtual string? CoalesceKey(TEntry entry) => null;

    /// <summary>
    /// A rate limit of this stream's events (WatchChargingInfo's min_update_interval): the earliest time the event
    /// <paramref name="message"/> of <paramref name="entry"/> may be sent, or null to send it at once. Asked once per
    /// event, when its entry is read. <see cref="LogStreamSession{TRequest, TResponse, TEntry}"/> holds such an event
    /// back until then but never reorders events: a held event goes out before any later one (so a later event that is
    /// sent at once brings it out early), and a newer entry of its <see cref="CoalesceKey"/> replaces it (every event
    /// carries complete state). An event that may be held back is also skipped when a newer entry of its key follows in
    /// the same page of the log.
    /// </summary>
    public virtual DateTimeOffset? NotBefore(TEntry entry, TResponse message, DateTimeOffset now) => null;

    /// <summary>The event <paramref name="message"/> of <paramref name="entry"/> was sent at <paramref name="now"/> (the base of <see cref="NotBefore"/>).</summary>
    public virtual void Sent(TEntry entry, TResponse message, DateTimeOffset now)
    {
    }

    /// <summary>The consumer nacked: the events from the nacked one are read and sent again, so what was sent since then no longer counts.</summary>
    public virtual void Rewind()
    {
    }

    /// <summary>Writes begin, items and end of a snapshot consistent at one sequence; returns that sequence.</summary>
    public abstract Task<long> WriteSnapshotAsync(Func<TResponse, Task> write, CancellationToken cancellationToken);
}
