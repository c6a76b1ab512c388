using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The messages of ChargingService.WatchChargingInfo (UC3-6): charging information and command outcomes of the
/// caller's sessions only, optionally of some sessions (command outcomes are always sent). A consumer that is behind
/// gets the newest charging information per session (each is complete); command outcomes are never coalesced.
/// </summary>
internal sealed class ChargingInfoProtocol(ISessionStore sessions, string provider)
    : LogStreamProtocol<WatchChargingInfoRequest, WatchChargingInfoResponse, ChargingInfoEntry>
{
    private HashSet<string> _sessionIds = [];

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
        return new StreamStart(start.Start.HasResumeAfterSequence ? start.Start.ResumeAfterSequence : null, start.Start.Snapshot, start.Start.MaxInFlight);
    }

    public override WatchChargingInfoResponse Opened(StreamOpened opened) => new() { Opened = opened };

    public override WatchChargingInfoResponse Heartbeat(StreamHeartbeat heartbeat) => new() { Heartbeat = heartbeat };

    public override string? CoalesceKey(ChargingInfoEntry entry) =>
        entry.Kind == ChargingInfoEntry.ChargingInfoKind && entry.Provider == provider ? entry.SessionId : null;

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
            }
        }

        await write(new WatchChargingInfoResponse { SnapshotEnd = new StreamSnapshotEnd { Sequence = (ulong)sequence, ItemCount = count } }).ConfigureAwait(false);
        return sequence;
    }
}
