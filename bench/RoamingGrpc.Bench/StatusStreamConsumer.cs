using Grpc.Core;
using Grpc.Net.Client;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Bench;

/// <summary>
/// A CSP consuming WatchEvseStatus live: applies each event to its state (in memory) and acks cumulatively every
/// <see cref="AckEvery"/> events and whenever it applies the marker EVSE's change.
/// </summary>
internal sealed class StatusStreamConsumer : IAsyncDisposable
{
    private const int AckEvery = 100;
    private readonly AsyncDuplexStreamingCall<WatchEvseStatusRequest, WatchEvseStatusResponse> _call;
    private readonly Dictionary<string, EvseStatus> _state = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _marker;
    private (EvseStatus Status, TaskCompletionSource Seen)? _awaited;
    private readonly Lock _gate = new();
    private long _events;
    private long _firstEvent;
    private ulong _lastApplied;

    private StatusStreamConsumer(AsyncDuplexStreamingCall<WatchEvseStatusRequest, WatchEvseStatusResponse> call, string marker, StreamOpened opened)
    {
        _call = call;
        _marker = marker;
        Opened = opened;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The stream's opened message (its head when it opened).</summary>
    public StreamOpened Opened { get; }

    /// <summary>Events applied so far.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>The greatest sequence applied so far.</summary>
    public ulong LastApplied => Interlocked.Read(ref _lastApplied);

    /// <summary>When the first event arrived (Stopwatch timestamp), 0 before.</summary>
    public long FirstEventTimestamp => Interlocked.Read(ref _firstEvent);

    /// <summary>Opens the stream live only, or after <paramref name="resumeAfter"/>; returns once it is opened.</summary>
    public static async Task<StatusStreamConsumer> OpenAsync(GrpcChannel channel, string marker, ulong? resumeAfter = null)
    {
        var call = new EvseStatusService.EvseStatusServiceClient(channel).WatchEvseStatus();
        // As the CSP endpoint's own subscriber: up to 100 changes per message.
        var start = new WatchEvseStatusStart { MaxInFlight = 1000, MaxEventsPerMessage = 100 };
        if (resumeAfter is { } cursor)
        {
            start.ResumeAfterSequence = cursor;
        }

        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = start }).ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext().ConfigureAwait(false) || call.ResponseStream.Current.KindCase != WatchEvseStatusResponse.KindOneofCase.Opened)
        {
            throw new InvalidOperationException("WatchEvseStatus did not open");
        }

        return new StatusStreamConsumer(call, marker, call.ResponseStream.Current.Opened);
    }

    /// <summary>A task that completes when the marker EVSE's change to <paramref name="status"/> was applied.</summary>
    public Task MarkerApplied(EvseStatus status)
    {
        lock (_gate)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited = (status, seen);
            return seen.Task;
        }
    }

    private async Task LoopAsync()
    {
        ulong lastApplied = 0;
        var unacked = 0;
        try
        {
            while (await _call.ResponseStream.MoveNext(_stop.Token).ConfigureAwait(false))
            {
                var response = _call.ResponseStream.Current;
                IEnumerable<EvseStatusStreamEvent> events = response.KindCase switch
                {
                    WatchEvseStatusResponse.KindOneofCase.Event => [response.Event],
                    WatchEvseStatusResponse.KindOneofCase.Events => response.Events.Events,
                    _ => [],
                };
                foreach (var applied in events)
                {
                    var change = applied.EvseStatus;
                    _state[change.EvseId] = change.Status;
                    lastApplied = applied.Sequence;
                    if (Interlocked.Increment(ref _events) == 1)
                    {
                        Interlocked.Exchange(ref _firstEvent, System.Diagnostics.Stopwatch.GetTimestamp());
                    }

                    Interlocked.Exchange(ref _lastApplied, lastApplied);
                    var isMarker = change.EvseId == _marker;
                    if (++unacked >= AckEvery || isMarker)
                    {
                        await _call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Ack = new StreamAck { Sequence = lastApplied } }).ConfigureAwait(false);
                        unacked = 0;
                    }

                    if (isMarker)
                    {
                        lock (_gate)
                        {
                            if (_awaited is { } awaited && awaited.Status == change.Status)
                            {
                                awaited.Seen.TrySetResult();
                                _awaited = null;
                            }
                        }
                    }
                }
            }
        }
        catch (RpcException) when (_stop.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _call.Dispose();
        _stop.Dispose();
    }
}
