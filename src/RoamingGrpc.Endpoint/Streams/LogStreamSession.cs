using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Streams;

/// <summary>
/// One resumable stream (protocol in <c>streams.proto</c>; WatchEvseStatus, WatchChargingInfo): start message, <c>opened</c>, optional snapshot,
/// then events read from the durable log in sequence order, at most a window of them unacknowledged, with
/// heartbeats while idle. Nothing is buffered per subscriber beyond one page of the log and the events its protocol
/// holds back (at most one per coalescing key), so a slow or stalled subscriber costs a bounded amount of memory and
/// never holds up other subscribers (each reads the log on its own); a subscriber whose window stays full past the ack
/// timeout is cut and resumes from its cursor.
/// <para>
/// A held-back event (<see cref="LogStreamProtocol{TRequest, TResponse, TEntry}.NotBefore"/>) is not in flight and
/// does not count against the window. Events are never reordered: a held event is sent before any event after it in
/// the log, so its sequence is greater than that of every event sent before it, and a cumulative ack never covers an
/// event that is still held back. A consumer that resumes after its last ack therefore reads every held event again
/// (or a newer entry of its key): held-back events leave no gap and cause no duplicate of anything acked.
/// </para>
/// </summary>
internal sealed class LogStreamSession<TRequest, TResponse, TEntry>(
    IChangeLog<TEntry> store,
    LogStreamProtocol<TRequest, TResponse, TEntry> protocol,
    CommitNotifier notifier,
    StoreChanges logChange,
    StreamOptions options,
    Observability.RoamingMetrics metrics,
    string partner,
    TimeProvider clock,
    IAsyncStreamReader<TRequest> requests,
    IServerStreamWriter<TResponse> responses,
    CancellationToken cancellationToken)
    where TEntry : ILogEntry
{
    private const int PageSize = 500;
    private static readonly WriteOptions BufferedWrite = new(WriteFlags.BufferHint);
    private readonly Queue<long> _inFlight = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _acked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _ackedSequence;
    private long _highestSent;
    private long _latestSeen;
    private long _readThrough;
    private long? _nackFrom;
    private readonly HeldEvents<TEntry, TResponse> _held = new();
    private List<TResponse>? _batch;
    private TResponse? _unflushed;

    public async Task RunAsync()
    {
        var start = await ReadStartAsync().ConfigureAwait(false);
        if (start is null)
        {
            return; // the consumer closed before starting
        }

        using var tracked = metrics.TrackStream(protocol.RpcName, partner, Behind);
        var window = start.MaxInFlight == 0 ? options.DefaultWindow : (int)Math.Clamp(start.MaxInFlight, 1, (uint)options.MaxWindow);
        var (latest, prunedThrough) = await store.BoundsAsync(cancellationToken).ConfigureAwait(false);
        Seen(latest);
        long cursor;
        if (start.Snapshot)
        {
            cursor = latest;
        }
        else if (start.ResumeAfterSequence is { } resumeAfter)
        {
            cursor = (long)resumeAfter;
            if (cursor < prunedThrough || cursor > latest)
            {
                throw Stale(cursor, prunedThrough, latest);
            }
        }
        else
        {
            cursor = latest;
        }

        await WriteAsync(protocol.Opened(new StreamOpened
        {
            ResumeAfterSequence = (ulong)cursor,
            LatestSequence = (ulong)latest,
            OldestSequence = (ulong)(prunedThrough + 1),
            MaxInFlight = (uint)window,
            HeartbeatInterval = Duration.FromTimeSpan(options.HeartbeatInterval),
        })).ConfigureAwait(false);
        if (start.Snapshot)
        {
            cursor = await protocol.WriteSnapshotAsync(message => WriteAsync(message), cancellationToken).ConfigureAwait(false);
        }

        _batch = protocol.MaxEventsPerMessage > 1 ? new List<TResponse>(protocol.MaxEventsPerMessage) : null;
        _ackedSequence = cursor;
        _highestSent = cursor;
        Interlocked.Exchange(ref _readThrough, cursor);
        var reader = Task.Run(ReadAcksAsync, cancellationToken);
        await SendEventsAsync(cursor, window, reader).ConfigureAwait(false);
    }

    private async Task<StreamStart?> ReadStartAsync()
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
        catch (InvalidProtocolBufferException ex)
        {
            throw NotTheRequestMessage(ex);
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

        return protocol.KindOf(requests.Current, out _) == StreamRequestKind.Start
            ? protocol.Begin(requests.Current)
            : throw ProtocolViolation("the first message must be start");
    }

    private async Task SendEventsAsync(long cursor, int window, Task reader)
    {
        var lastRead = cursor;
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
                    lastRead = Math.Max(cursor, from - 1);
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
                // Every held event was read after the last event sent, so after the nacked one too: it is read again.
                _held.Clear();
                protocol.Rewind();
                await Task.Delay(redeliveryDelay, clock, cancellationToken).ConfigureAwait(false);
            }

            // One instant per round, taken before the read: an entry logged before the clock reached a held event's
            // time is read (and replaces that event) before the event is released, so a newer state never follows an
            // older one of the same key.
            var now = clock.GetUtcNow();
            var room = window - _inFlight.Count;
            var grown = notifier.Next(logChange); // taken before reading, so that no append between the read and the wait is missed
            if (room > 0)
            {
                fullSince = null;
                var limit = Math.Min(room, PageSize);
                var (prunedThrough, entries) = await store.ReadLogAsync(lastRead, limit, cancellationToken).ConfigureAwait(false);
                if (lastRead < prunedThrough)
                {
                    // Retention overtook this stream: the events it still needed are gone.
                    var (latest, _) = await store.BoundsAsync(cancellationToken).ConfigureAwait(false);
                    throw Stale(lastRead, prunedThrough, latest);
                }

                if (entries.Count > 0)
                {
                    Seen(entries[^1].Sequence);
                }

                // More pending than the window has room for: the consumer is behind, so only the newest entry per key
                // of this page is sent (each carries complete state).
                var behind = entries.Count == limit;
                var newest = NewestPerKey(entries);
                var free = room;
                var sent = 0;
                foreach (var entry in entries)
                {
                    var sequence = entry.Sequence;
                    var key = protocol.CoalesceKey(entry);
                    var newer = key is not null && newest[key] != sequence;
                    var message = behind && newer ? default : protocol.EventOf(entry, sequence);
                    if (message is null)
                    {
                        Passed(ref lastRead, sequence); // coalesced (a newer entry of its key follows), or not this consumer's
                        continue;
                    }

                    if (key is not null)
                    {
                        _held.Replace(key); // this newer entry carries the complete state of its key
                    }

                    if (protocol.NotBefore(entry, message, now) is not { } notBefore)
                    {
                        // Sent at once, after every held event before it: events are never reordered, so that an
                        // ack (cumulative) never covers an event still held back.
                        while (_held.Count > 0 && free > 0)
                        {
                            var held = _held.TakeFirst();
                            await EmitAsync(held.Entry, held.Sequence, held.Message, now).ConfigureAwait(false);
                            free--;
                            sent++;
                        }

                        if (free == 0)
                        {
                            break; // the window is full: this entry is read again when acks open it
                        }

                        await EmitAsync(entry, sequence, message, now).ConfigureAwait(false);
                        free--;
                        sent++;
                    }
                    else if (!newer)
                    {
                        // (One that may wait is skipped when a newer entry of its key follows in this page.) Due and
                        // nothing held before it: sent now; else held, behind the events held before it.
                        if (_held.Count == 0 && notBefore <= now)
                        {
                            await EmitAsync(entry, sequence, message, now).ConfigureAwait(false);
                            free--;
                            sent++;
                        }
                        else
                        {
                            _held.Add(new HeldEvent<TEntry, TResponse>(entry, sequence, message, key, notBefore));
                        }
                    }

                    Passed(ref lastRead, sequence);
                }

                // Held events whose time has come go out in log order; one that is not due yet holds back the later
                // ones (events are never reordered), at most until its own time.
                while (free > 0 && _held.First is { } first && first.NotBefore <= now)
                {
                    _held.TakeFirst();
                    await EmitAsync(first.Entry, first.Sequence, first.Message, now).ConfigureAwait(false);
                    free--;
                    sent++;
                }

                await FlushAsync().ConfigureAwait(false);
                if (sent > 0)
                {
                    lastWrite = clock.GetUtcNow();
                }

                if (entries.Count > 0)
                {
                    continue;
                }
            }
            else
            {
                fullSince ??= clock.GetUtcNow();
                if (clock.GetUtcNow() - fullSince > options.AckTimeout)
                {
                    throw RoamingErrors.Create(
                        ErrorKind.Exhausted,
                        ErrorReason.SlowConsumer,
                        $"no acknowledgement for {options.AckTimeout.TotalSeconds:0} s with {window} events in flight; resume after your last applied sequence.");
                }
            }

            var heartbeatAt = lastWrite + options.HeartbeatInterval;
            if (clock.GetUtcNow() >= heartbeatAt)
            {
                var (latest, _) = await store.BoundsAsync(cancellationToken).ConfigureAwait(false);
                Seen(latest);
                await WriteAsync(protocol.Heartbeat(new StreamHeartbeat
                {
                    LatestSequence = (ulong)latest,
                    AckedSequence = (ulong)Interlocked.Read(ref _ackedSequence),
                    ServerTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
                })).ConfigureAwait(false);
                lastWrite = clock.GetUtcNow();
                continue;
            }

            // A held event is released at its time (a timer on the endpoint's clock) even when nothing else happens;
            // with the window full it waits for an ack instead.
            var wakeAt = room > 0 && _held.First is { } due && due.NotBefore < heartbeatAt ? due.NotBefore : heartbeatAt;
            var wait = wakeAt - clock.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                continue;
            }

            using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var delay = Task.Delay(wait, clock, timer.Token);
                // The timer counts from when it was made: if the clock passed wakeAt meanwhile (a fake clock in a test
                // moves in steps), waiting for it would overshoot, so the round runs again instead.
                if (clock.GetUtcNow() < wakeAt)
                {
                    await Task.WhenAny(room > 0 ? grown : acked, acked, reader, delay).ConfigureAwait(false);
                }

                await timer.CancelAsync().ConfigureAwait(false); // no timer outlives the wait
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // The read position moves past an entry that was sent, held, skipped or not this consumer's.
    private void Passed(ref long lastRead, long sequence)
    {
        lastRead = sequence;
        Interlocked.Exchange(ref _readThrough, sequence);
    }

    // Sends one event: each message is written when the next one is ready, and the last with the flush at the end of
    // the round (not one TLS record per event); a consumer that accepts several events per message gets them in
    // batches of at most that many.
    private async Task EmitAsync(TEntry entry, long sequence, TResponse message, DateTimeOffset now)
    {
        protocol.Sent(entry, message, now);
        var ready = message;
        if (_batch is not null)
        {
            _batch.Add(message);
            ready = _batch.Count == protocol.MaxEventsPerMessage ? protocol.Batch(_batch) : default;
            if (ready is not null)
            {
                _batch.Clear();
            }
        }

        if (ready is not null)
        {
            if (_unflushed is not null)
            {
                await WriteAsync(_unflushed, flush: false).ConfigureAwait(false);
            }

            _unflushed = ready;
        }

        lock (_gate)
        {
            _inFlight.Enqueue(sequence);
            _highestSent = sequence;
        }
    }

    // Writes what EmitAsync left: the last batch and the last message, with a flush.
    private async Task FlushAsync()
    {
        if (_batch is { Count: > 0 })
        {
            if (_unflushed is not null)
            {
                await WriteAsync(_unflushed, flush: false).ConfigureAwait(false);
            }

            _unflushed = protocol.Batch(_batch);
            _batch.Clear();
        }

        if (_unflushed is not null)
        {
            await WriteAsync(_unflushed).ConfigureAwait(false);
            _unflushed = default;
        }
    }

    private async Task ReadAcksAsync()
    {
        while (await NextRequestAsync().ConfigureAwait(false))
        {
            var kind = protocol.KindOf(requests.Current, out var acknowledged);
            var sequence = (long)acknowledged;
            lock (_gate)
            {
                switch (kind)
                {
                    case StreamRequestKind.Ack when sequence <= _highestSent:
                        _ackedSequence = Math.Max(_ackedSequence, sequence);
                        break;
                    case StreamRequestKind.Nack when sequence <= _highestSent:
                        _ackedSequence = Math.Max(_ackedSequence, sequence - 1);
                        _nackFrom = sequence;
                        break;
                    case StreamRequestKind.Ack or StreamRequestKind.Nack:
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
        catch (InvalidProtocolBufferException ex)
        {
            throw NotTheRequestMessage(ex);
        }
        catch (IOException ex)
        {
            // The consumer reset its side of the stream (a cut connection, a cancelled call): the call is over.
            throw new RpcException(new Status(StatusCode.Cancelled, "The consumer ended the stream."), ex.Message);
        }
    }

    private async Task WriteAsync(TResponse response, bool flush = true)
    {
        try
        {
            // BufferHint: Kestrel keeps the message in the response pipe until a write without it flushes.
            responses.WriteOptions = flush ? null : BufferedWrite;
            await responses.WriteAsync(response, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            // The consumer cancelled or disconnected between two writes: the call is over, not the endpoint broken.
            throw new RpcException(new Status(StatusCode.Cancelled, "The consumer ended the stream."), ex.Message);
        }
    }

    // Events behind, for the metrics: log entries not read yet (the log is shared, so other partners' entries count
    // until read past) plus events held back and events sent and not acknowledged.
    private long Behind()
    {
        int inFlight;
        lock (_gate)
        {
            inFlight = _inFlight.Count;
        }

        return Math.Max(0, Interlocked.Read(ref _latestSeen) - Interlocked.Read(ref _readThrough)) + _held.Count + inFlight;
    }

    // The newest log sequence this stream has learnt of (for the events-behind metric).
    private void Seen(long sequence)
    {
        long current;
        while (sequence > (current = Interlocked.Read(ref _latestSeen)) && Interlocked.CompareExchange(ref _latestSeen, sequence, current) != current)
        {
        }
    }

    // The newest entry per coalescing key of a page: only it is sent when the consumer is behind, and an event that may
    // be held back is skipped for it.
    private Dictionary<string, long> NewestPerKey(IReadOnlyList<TEntry> entries)
    {
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (protocol.CoalesceKey(entry) is { } key)
            {
                newest[key] = entry.Sequence;
            }
        }

        return newest;
    }

    private RoamingException Stale(long cursor, long prunedThrough, long latest) =>
        RoamingErrors.Create(
            ErrorKind.OutOfRange,
            ErrorReason.StaleCursor,
            $"sequence {cursor} is outside the retained log ({prunedThrough + 1}..{latest}); pull {protocol.ResyncListing} and resubscribe after its sequence.",
            [new("oldest_sequence", (prunedThrough + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), new("latest_sequence", latest.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    // The transport's deserializer fails the read with InvalidProtocolBufferException, which is an IOException: caught
    // before the IOException of a reset stream, it is the consumer's bad message, not the consumer ending the call.
    private RoamingException NotTheRequestMessage(InvalidProtocolBufferException ex) =>
        ProtocolViolation($"a message that is not a {typeof(TRequest).Name} ({ex.Message.TrimEnd('.')})");

    private RoamingException ProtocolViolation(string detail) =>
        RoamingErrors.Create(ErrorKind.InvalidArgument, ErrorReason.StreamProtocolViolation, $"{protocol.RpcName}: {detail}.");
}
