using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The messages of ChargingService.WatchChargingInfo (UC3-6): charging information and command outcomes of the
/// caller's sessions only, optionally of some sessions (command outcomes are always sent). A consumer that is behind
/// gets the newest charging information per session (each is complete); command outcomes are never coalesced. Meter
/// updates of a session (<see cref="StreamedSession.IsFollowedByMeterUpdate"/>) are sent at most one per
/// min_update_interval after the session's previous charging information on the stream, the newest one when the
/// interval has passed; everything else is sent at once (the stream engine keeps the log order and the acks exact).
/// </summary>
internal sealed class ChargingInfoProtocol(ISessionStore sessions, string provider)
    : LogStreamProtocol<WatchChargingInfoRequest, WatchChargingInfoResponse, ChargingInfoEntry>
{
    /// <summary>min_update_interval when the consumer gives none.</summary>
    public static readonly TimeSpan DefaultUpdateInterval = TimeSpan.FromSeconds(5);

    /// <summary>Shortest min_update_interval; a shorter one is raised to it.</summary>
    public static readonly TimeSpan ShortestUpdateInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest min_update_interval; a longer one is lowered to it.</summary>
    public static readonly TimeSpan LongestUpdateInterval = TimeSpan.FromMinutes(5);

    // Per session, what this stream last sent of it; a session's first charging information on the stream is sent at
    // once (the consumer may not know the session yet). Ended sessions are forgotten, so this stays at open sessions.
    private readonly Dictionary<string, StreamedSession> _streamed = new(StringComparer.Ordinal);
    private HashSet<string> _sessionIds = [];
    private TimeSpan _updateInterval = DefaultUpdateInterval;

    public override string RpcName => "WatchChargingInfo";

    public override string ResyncListing => "ListSessions";

    public override StreamRequestKind KindOf(WatchChargingInfoRequest request, out ulong sequence)
    {
        (var kind, sequence) = request.KindCase switch
        {
            WatchChargingInfoRequest.KindOneofCase.Start => (StreamRequestKind.Start, 0UL),
            WatchChargingInfoRequest.KindOneofCase.Ack => (StreamRequestKind.Ack, request.Ack.Sequence),
            WatchChargingInfoRequest.KindOneofCase.Nack => (StreamRequestKind.Nack, request.Nack.Sequence),
            _ => (StreamRequestKind.Other, 0UL),
        };
        return kind;
    }

    public override StreamStart Begin(WatchChargingInfoRequest start)
    {
        _sessionIds = [.. start.Start.SessionIds];
        _updateInterval = UpdateInterval(start.Start.MinUpdateInterval);
        return new StreamStart(start.Start.HasResumeAfterSequence ? start.Start.ResumeAfterSequence : null, start.Start.Snapshot, start.Start.MaxInFlight);
    }

    public override WatchChargingInfoResponse Opened(StreamOpened opened) => new() { Opened = opened };

    public override WatchChargingInfoResponse Heartbeat(StreamHeartbeat heartbeat) => new() { Heartbeat = heartbeat };

    public override string? CoalesceKey(ChargingInfoEntry entry) =>
        entry.Kind == ChargingInfoEntry.ChargingInfoKind && entry.Provider == provider ? entry.SessionId : null;

    public override DateTimeOffset? NotBefore(ChargingInfoEntry entry, WatchChargingInfoResponse message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Event.ChargingInfo is { } info && _streamed.TryGetValue(info.SessionId, out var last) && last.IsFollowedByMeterUpdate(info)
            ? last.SentAt + _updateInterval
            : null;
    }

    public override void Sent(ChargingInfoEntry entry, WatchChargingInfoResponse message, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Event.ChargingInfo is not { } info)
        {
            return;
        }

        if (info.State is SessionState.Completed or SessionState.Invalid)
        {
            _streamed.Remove(info.SessionId); // no measurement follows the end
            return;
        }

        _streamed[info.SessionId] = new StreamedSession(info.State, StreamedSession.PlanOf(info), now);
    }

    public override void Rewind() => _streamed.Clear();

    public override WatchChargingInfoResponse? EventOf(ChargingInfoEntry entry, long sequence)
    {
        if (entry.Provider != provider)
        {
            return null; // another CSP's session: never seen
        }

        var streamEvent = new ChargingInfoStreamEvent { Sequence = (ulong)sequence };
        if (entry.Kind == ChargingInfoEntry.CommandResultKind)
        {
            streamEvent.CommandResult = CommandResult.Parser.ParseFrom(entry.Payload);
        }
        else if (_sessionIds.Count == 0 || _sessionIds.Contains(entry.SessionId))
        {
            streamEvent.ChargingInfo = ChargingInfo.Parser.ParseFrom(entry.Payload);
        }
        else
        {
            return null;
        }

        return new WatchChargingInfoResponse { Event = streamEvent };
    }

    public override async Task<long> WriteSnapshotAsync(Func<WatchChargingInfoResponse, Task> write, CancellationToken cancellationToken)
    {
        var (sequence, infos) = await sessions.OpenInfosAsync(provider, cancellationToken).ConfigureAwait(false);
        await write(new WatchChargingInfoResponse { SnapshotBegin = new StreamSnapshotBegin { Sequence = (ulong)sequence } }).ConfigureAwait(false);
        uint count = 0;
        foreach (var payload in infos)
        {
            var info = ChargingInfo.Parser.ParseFrom(payload);
            if (_sessionIds.Count == 0 || _sessionIds.Contains(info.SessionId))
            {
                await write(new WatchChargingInfoResponse { SnapshotItem = info }).ConfigureAwait(false);
                count++;
                // The consumer knows the session now; its next meter update may go at once (no interval runs yet).
                _streamed[info.SessionId] = new StreamedSession(info.State, StreamedSession.PlanOf(info), DateTimeOffset.MinValue);
            }
        }

        await write(new WatchChargingInfoResponse { SnapshotEnd = new StreamSnapshotEnd { Sequence = (ulong)sequence, ItemCount = count } }).ConfigureAwait(false);
        return sequence;
    }

    // The consumer's min_update_interval: absent = the default, clamped to the bounds; a malformed duration is refused.
    private static TimeSpan UpdateInterval(Duration? requested)
    {
        if (requested is null)
        {
            return DefaultUpdateInterval;
        }

        if (requested.Nanos is <= -1_000_000_000 or >= 1_000_000_000 || (requested.Seconds > 0 && requested.Nanos < 0) || (requested.Seconds < 0 && requested.Nanos > 0))
        {
            throw RoamingErrors.InvalidField("start.min_update_interval", ErrorReason.InvalidField, "must be a normalized duration");
        }

        // Seconds bounded first, so that any value converts without overflow.
        var seconds = Math.Clamp(requested.Seconds, -1, (long)LongestUpdateInterval.TotalSeconds + 1);
        var interval = TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(requested.Nanos / 100);
        return interval < ShortestUpdateInterval ? ShortestUpdateInterval : interval > LongestUpdateInterval ? LongestUpdateInterval : interval;
    }
}
