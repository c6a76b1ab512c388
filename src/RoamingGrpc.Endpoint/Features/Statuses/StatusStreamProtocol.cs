using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Features.Statuses;

/// <summary>The messages of EvseStatusService.WatchEvseStatus (UC1-3): EVSE status changes, filtered by site and EVSE.</summary>
internal sealed class StatusStreamProtocol(IEvseStatusStore store, PartyIdentity owner)
    : LogStreamProtocol<WatchEvseStatusRequest, WatchEvseStatusResponse, StatusEntry>
{
    private const int PageSize = 500;

    /// <summary>The most status changes in one <c>events</c> message.</summary>
    public const int MaxBatch = 500;

    private StatusFilter? _filter;
    private int _maxEventsPerMessage = 1;

    public override string RpcName => "WatchEvseStatus";

    public override string ResyncListing => "ListEvseStatuses";

    private StatusFilter Filter => _filter ?? throw new InvalidOperationException("The stream has not started.");

    public override StreamRequestKind KindOf(WatchEvseStatusRequest request, out ulong sequence)
    {
        (var kind, sequence) = request.KindCase switch
        {
            WatchEvseStatusRequest.KindOneofCase.Start => (StreamRequestKind.Start, 0UL),
            WatchEvseStatusRequest.KindOneofCase.Ack => (StreamRequestKind.Ack, request.Ack.Sequence),
            WatchEvseStatusRequest.KindOneofCase.Nack => (StreamRequestKind.Nack, request.Nack.Sequence),
            _ => (StreamRequestKind.Other, 0UL),
        };
        return kind;
    }

    public override StreamStart Begin(WatchEvseStatusRequest start)
    {
        _filter = StatusFilter.From(start.Start.SiteIds, start.Start.EvseIds, owner);
        _maxEventsPerMessage = (int)Math.Clamp(start.Start.MaxEventsPerMessage, 1u, MaxBatch);
        return new StreamStart(start.Start.HasResumeAfterSequence ? start.Start.ResumeAfterSequence : null, start.Start.Snapshot, start.Start.MaxInFlight);
    }

    public override WatchEvseStatusResponse Opened(StreamOpened opened) => new() { Opened = opened };

    public override WatchEvseStatusResponse Heartbeat(StreamHeartbeat heartbeat) => new() { Heartbeat = heartbeat };

    public override int MaxEventsPerMessage => _maxEventsPerMessage;

    public override WatchEvseStatusResponse Batch(IReadOnlyList<WatchEvseStatusResponse> events)
    {
        var batch = new EvseStatusStreamEvents();
        foreach (var message in events)
        {
            batch.Events.Add(message.Event);
        }

        return new WatchEvseStatusResponse { Events = batch };
    }

    public override WatchEvseStatusResponse? EventOf(StatusEntry entry, long sequence) =>
        Filter.Matches(entry)
            ? new WatchEvseStatusResponse { Event = new EvseStatusStreamEvent { Sequence = (ulong)sequence, EvseStatus = StatusValidator.ToProto(entry) } }
            : null;

    public override async Task<long> WriteSnapshotAsync(Func<WatchEvseStatusResponse, Task> write, CancellationToken cancellationToken)
    {
        // Pages are read one at a time; an EVSE that changed after the first page's sequence S is left out of the
        // snapshot: its change follows as an event after S, so the consumer's state is exact at every cursor.
        string? after = null;
        long? snapshotSequence = null;
        uint count = 0;
        while (true)
        {
            var (sequence, page) = await store.SnapshotAsync(after, PageSize, cancellationToken).ConfigureAwait(false);
            if (snapshotSequence is null)
            {
                snapshotSequence = sequence;
                await write(new WatchEvseStatusResponse { SnapshotBegin = new StreamSnapshotBegin { Sequence = (ulong)sequence } }).ConfigureAwait(false);
            }

            foreach (var entry in page.Where(entry => entry.Sequence <= snapshotSequence && Filter.Matches(entry)))
            {
                await write(new WatchEvseStatusResponse { SnapshotItem = StatusValidator.ToProto(entry) }).ConfigureAwait(false);
                count++;
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].EvseId;
        }

        await write(new WatchEvseStatusResponse { SnapshotEnd = new StreamSnapshotEnd { Sequence = (ulong)snapshotSequence, ItemCount = count } }).ConfigureAwait(false);
        return snapshotSequence.Value;
    }
}
