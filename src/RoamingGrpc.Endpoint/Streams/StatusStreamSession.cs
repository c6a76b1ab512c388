using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Streams;

/// <summary>
/// One WatchEvseStatus stream (protocol in <c>streams.proto</c>): start message, <c>opened</c>, optional snapshot,
/// then events read from the durable log in sequence order, at most a window of them unacknowledged, with
/// heartbeats while idle. Nothing is buffered per subscriber beyond one page of the log, so a slow or stalled
/// subscriber costs a bounded amount of memory and never holds up other subscribers (each reads the log on its
/// own); a subscriber whose window stays full past the ack timeout is cut and resumes from its cursor.
/// </summary>
internal sealed class StatusStreamSession(
    IEvseStatusStore store,
    LogFeed feed,
    PartyIdentity owner,
    StreamOptions options,
    TimeProvider clock,
    IAsyncStreamReader<WatchEvseStatusRequest> requests,
    IServerStreamWriter<WatchEvseStatusResponse> responses,
    CancellationToken cancellationToken)
{
    private const int PageSize = 500;
    private readonly Queue<long> _inFlight = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _acked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _ackedSequence;
    private long _highestSent;
    private long? _nackFrom;

    public async Task RunAsync()
    {
        var start = await ReadStartAsync().ConfigureAwait(false);
        if (start is null)
        {
            return; // the consumer closed before starting
        }

        var window = start.MaxInFlight == 0 ? options.DefaultWindow : (int)Math.Clamp(start.MaxInFlight, 1, (uint)options.MaxWindow);
        var filter = StatusFilter.From(start.SiteIds, start.EvseIds, owner);
        var (latest, prunedThrough) = await store.BoundsAsync(cancellationToken).ConfigureAwait(false);
        long cursor;
        if (start.Snapshot)
        {
            cursor = latest;
        }
        else if (start.HasResumeAfterSequence)
        {
            cursor = (long)start.ResumeAfterSequence;
            if (cursor < prunedThrough || cursor > latest)
            {
                throw Stale(cursor, prunedThrough, latest);
            }
        }
        else
        {
            cursor = latest;
        }

        await WriteAsync(new WatchEvseStatusResponse
        {
            Opened = new StreamOpened
            {
                ResumeAfterSequence = (ulong)cursor,
                LatestSequence = (ulong)latest,
                OldestSequence = (ulong)(prunedThrough + 1),
                MaxInFlight = (uint)window,
                HeartbeatInterval = Duration.FromTimeSpan(options.HeartbeatInterval),
            },
        }).ConfigureAwait(false);
        if (start.Snapshot)
        {
            cursor = await SendSnapshotAsync(filter).ConfigureAwait(false);
        }

        _ackedSequence = cursor;
        _highestSent = cursor;
        var reader = Task.Run(ReadAcksAsync, cancellationToken);
        await SendEventsAsync(cursor, window, filter, reader).ConfigureAwait(false);
    }

    private async Task<WatchEvseStatusStart?> ReadStartAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        bool hasMessage;
        try
        {
            hasMessage = await requests.MoveNext(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw ProtocolViolation($"the first message must be start, within {options.StartTimeout.TotalSeconds:0} s");
        }
        catch (IOException ex)
        {
            // The consumer reset the stream before its start message (e.g. it is shutting down): the call is over.
            throw new RpcException(new Status(StatusCode.Cancelled, "The consumer ended the stream."), ex.Message);
        }

        if (!hasMessage)
        {
            return null;
        }

        return requests.Current.KindCase == WatchEvseStatusRequest.KindOneofCase.Start
            ? requests.Current.Start
            : throw ProtocolViolation("the first message must be start");
    }

    private async Task<long> SendSnapshotAsync(StatusFilter filter)
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
                await WriteAsync(new WatchEvseStatusResponse { SnapshotBegin = new StreamSnapshotBegin { Sequence = (ulong)sequence } }).ConfigureAwait(false);
            }

            foreach (var entry in page.Where(entry => entry.Sequence <= snapshotSequence && filter.Matches(entry)))
            {
                await WriteAsync(new WatchEvseStatusResponse { SnapshotItem = StatusValidator.ToProto(entry) }).ConfigureAwait(false);
                count++;
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].EvseId;
        }

        await WriteAsync(new WatchEvseStatusResponse { SnapshotEnd = new StreamSnapshotEnd { Sequence = (ulong)snapshotSequence, ItemCount = count } }).ConfigureAwait(false);
        return snapshotSequence.Value;
    }

    private async Task SendEventsAsync(long cursor, int window, StatusFilter filter, Task reader)
    {
        var lastSent = cursor;
        var lastWrite = clock.GetUtcNow();
        var nacks = 0;
        long nackedSequence = 0;
        DateTimeOffset? fullSince = null;
        while (true)
        {
            if (reader.IsCompleted)
            {
                await reader.ConfigureAwait(false); // rethrows a protocol violation; otherwise the consumer half-closed
                return;
            }

            Task acked;
            TimeSpan redeliveryDelay = TimeSpan.Zero;
            lock (_gate)
            {
                if (_nackFrom is { } from)
                {
                    // Redeliver from the nacked event, after a backoff (1 s, doubling per repeated nack of the same
                    // event, at most 60 s): everything before it counts as applied.
                    lastSent = Math.Max(cursor, from - 1);
                    _inFlight.Clear();
                    _nackFrom = null;
                    nacks = from == nackedSequence ? nacks + 1 : 1;
                    nackedSequence = from;
                    redeliveryDelay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(nacks - 1, 6)), 60));
                }

                while (_inFlight.Count > 0 && _inFlight.Peek() <= _ackedSequence)
                {
                    _inFlight.Dequeue();
                }

                acked = _acked.Task;
            }

            if (redeliveryDelay > TimeSpan.Zero)
            {
                await Task.Delay(redeliveryDelay, clock, cancellationToken).ConfigureAwait(false);
            }

            var room = window - _inFlight.Count;
            var grown = feed.Next; // taken before reading, so that no append between the read and the wait is missed
            var sent = 0;
            if (room > 0)
            {
                fullSince = null;
                var (prunedThrough, entries) = await store.ReadLogAsync(lastSent, Math.Min(room, PageSize), cancellationToken).ConfigureAwait(false);
                if (lastSent < prunedThrough)
                {
                    // Retention overtook this stream: the events it still needed are gone.
                    var (latest, _) = await store.BoundsAsync(cancellationToken).ConfigureAwait(false);
                    throw Stale(lastSent, prunedThrough, latest);
                }

                foreach (var entry in entries)
                {
                    lastSent = entry.Sequence;
                    if (!filter.Matches(entry))
                    {
                        continue;
                    }

                    await WriteAsync(new WatchEvseStatusResponse
                    {
                        Event = new EvseStatusStreamEvent { Sequence = (ulong)entry.Sequence, EvseStatus = StatusValidator.ToProto(entry) },
                    }).ConfigureAwait(false);
                    lock (_gate)
                    {
                        _inFlight.Enqueue(entry.Sequence);
                        _highestSent = entry.Sequence;
                    }

                    sent++;
                }

                if (entries.Count > 0)
                {
                    if (sent > 0)
                    {
                        lastWrite = clock.GetUtcNow();
                    }

                    continue;
                }
            }
            else
            {
                fullSince ??= clock.GetUtcNow();
                if (clock.GetUtcNow() - fullSince > options.AckTimeout)
                {
                    throw RoamingErrors.Create(
                        StatusCode.ResourceExhausted,
                        ErrorReason.SlowConsumer,
                        $"no acknowledgement for {options.AckTimeout.TotalSeconds:0} s with {window} events in flight; resume after your last applied sequence.");
                }
            }

            var idle = options.HeartbeatInterval - (clock.GetUtcNow() - lastWrite);
            if (idle <= TimeSpan.Zero)
            {
                var (latest, _) = await store.BoundsAsync(cancellationToken).ConfigureAwait(false);
                await WriteAsync(new WatchEvseStatusResponse
                {
                    Heartbeat = new StreamHeartbeat
                    {
                        LatestSequence = (ulong)latest,
                        AckedSequence = (ulong)Interlocked.Read(ref _ackedSequence),
                        ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
                    },
                }).ConfigureAwait(false);
                lastWrite = clock.GetUtcNow();
                continue;
            }

            using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(idle, clock, timer.Token);
                await Task.WhenAny(room > 0 ? grown : acked, acked, reader, delay).ConfigureAwait(false);
                await timer.CancelAsync().ConfigureAwait(false); // no timer outlives the wait
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task ReadAcksAsync()
    {
        while (await NextRequestAsync().ConfigureAwait(false))
        {
            var message = requests.Current;
            lock (_gate)
            {
                switch (message.KindCase)
                {
                    case WatchEvseStatusRequest.KindOneofCase.Ack when (long)message.Ack.Sequence <= _highestSent:
                        _ackedSequence = Math.Max(_ackedSequence, (long)message.Ack.Sequence);
                        break;
                    case WatchEvseStatusRequest.KindOneofCase.Nack when (long)message.Nack.Sequence <= _highestSent:
                        _ackedSequence = Math.Max(_ackedSequence, (long)message.Nack.Sequence - 1);
                        _nackFrom = (long)message.Nack.Sequence;
                        break;
                    case WatchEvseStatusRequest.KindOneofCase.Ack or WatchEvseStatusRequest.KindOneofCase.Nack:
                        throw ProtocolViolation($"ack or nack of a sequence that was not sent (highest sent is {_highestSent})");
                    default:
                        throw ProtocolViolation("after start, only ack and nack messages are allowed");
                }

                _acked.TrySetResult();
                _acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task<bool> NextRequestAsync()
    {
        try
        {
            return await requests.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            // The consumer reset its side of the stream (a cut connection, a cancelled call): the call is over.
            throw new RpcException(new Status(StatusCode.Cancelled, "The consumer ended the stream."), ex.Message);
        }
    }

    private async Task WriteAsync(WatchEvseStatusResponse response)
    {
        try
        {
            await responses.WriteAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // The consumer cancelled or disconnected between two writes: the call is over, not the endpoint broken.
            throw new RpcException(new Status(StatusCode.Cancelled, "The consumer ended the stream."), ex.Message);
        }
    }

    private static RpcException Stale(long cursor, long prunedThrough, long latest) =>
        RoamingErrors.Create(
            StatusCode.OutOfRange,
            ErrorReason.StaleCursor,
            $"sequence {cursor} is outside the retained log ({prunedThrough + 1}..{latest}); pull ListEvseStatuses and resubscribe after its sequence.",
            [new("oldest_sequence", (prunedThrough + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), new("latest_sequence", latest.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    private static RpcException ProtocolViolation(string detail) =>
        RoamingErrors.Create(StatusCode.InvalidArgument, ErrorReason.StreamProtocolViolation, $"WatchEvseStatus: {detail}.");
}
