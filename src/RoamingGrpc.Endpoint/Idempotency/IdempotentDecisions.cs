using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Requests;

namespace RoamingGrpc.Endpoint.Idempotency;

/// <summary>
/// Once-per-request-id answers for calls that only read and decide (AuthorizeToken), without a database round trip
/// or a wait for the single writer on the answer's path: a request id is remembered in memory for
/// <see cref="Window"/>, and its record (request hash and response) is written behind, in the writer's next batch, to
/// the request log (kept there for <c>Roaming:Requests:Retention</c>, the audit trail). Within the window a retry gets
/// the same response, and the same request id with a different request is REQUEST_ID_REUSED, as with
/// <see cref="IdempotentWriter"/>; after it, the request is decided afresh. At start, the log's records of the last
/// window are loaded, so a restart does not forget them.
/// </summary>
/// <remarks>
/// Calls with the same key in flight at once share one decision (the first creates it, the others await it). The
/// records are gathered for <see cref="FlushDelay"/> and written in one unit of work (the writer then commits a few
/// large batches instead of one row per call), and whatever is queued at a graceful stop is written before the
/// database closes. What the write-behind gives up: records queued when the process dies are lost, so a retry after
/// a crash is decided afresh (the first answer may not have reached the caller either). A write that fails is logged
/// as an error. When <see cref="MaxUncommitted"/> records wait, callers wait for room. Memory holds what was decided
/// in the last window: about 500 bytes per decision.
/// </remarks>
internal sealed partial class IdempotentDecisions(IDatabase database, IRequestLog log, TimeProvider clock, ILogger<IdempotentDecisions> logger)
    : BackgroundService
{
    /// <summary>
    /// How long a decision's request id is remembered. Its callers retry under their call deadline (a CSO's
    /// authorization timeout is at most 5 s), so a minute covers every retry with room to spare.
    /// </summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Records waiting to be written beyond which callers wait for room.</summary>
    public const int MaxUncommitted = 20_000;

    /// <summary>How long records are gathered before they are written together.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(50);

    private const int MaxPerWrite = 5_000;
    private readonly Channel<(RequestKey Key, LoggedRequest Record, DateTimeOffset Time)> _unwritten =
        Channel.CreateBounded<(RequestKey, LoggedRequest, DateTimeOffset)>(new BoundedChannelOptions(MaxUncommitted) { SingleReader = true });

    private readonly ConcurrentDictionary<RequestKey, Task<LoggedRequest>> _remembered = new();
    private readonly ConcurrentQueue<(RequestKey Key, Task<LoggedRequest> Decision, DateTimeOffset Until)> _expiry = new();
    private readonly ConcurrentDictionary<string, Lazy<Task>> _loaded = new(StringComparer.Ordinal);
    private readonly Lock _forgetting = new();

    /// <summary>Decides once for this request id (see the class summary) and returns the (remembered) response.</summary>
    public async Task<TResponse> DecideAsync<TRequest, TResponse>(
        PartyIdentity caller,
        string method,
        string requestId,
        TRequest request,
        MessageParser<TResponse> parser,
        Func<CancellationToken, Task<TResponse>> decide,
        CancellationToken cancellationToken)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(decide);
        await RememberedAsync(method, cancellationToken).ConfigureAwait(false);
        Forget(clock.GetUtcNow());
        var key = new RequestKey(caller.ToString(), method, requestId);
        var hash = SHA256.HashData(request.ToByteArray());
        var mine = new TaskCompletionSource<LoggedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _remembered.GetOrAdd(key, mine.Task);
        if (shared != mine.Task)
        {
            return IdempotentWriter.Answer(await shared.WaitAsync(cancellationToken).ConfigureAwait(false), hash, parser, requestId, method);
        }

        TResponse response;
        try
        {
            response = await decide(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not recorded (as a refused mutation is not): waiting duplicates get the same error, later retries decide again.
            mine.TrySetException(ex);
            _ = mine.Task.Exception; // observed here: duplicates that await it rethrow it; without any, it is this throw
            _remembered.TryRemove(new KeyValuePair<RequestKey, Task<LoggedRequest>>(key, mine.Task));
            throw;
        }

        var record = new LoggedRequest(hash, response.ToByteArray());
        var now = clock.GetUtcNow();
        mine.SetResult(record);
        _expiry.Enqueue((key, mine.Task, now + Window));
        try
        {
            await _unwritten.Writer.WriteAsync((key, record, now), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The endpoint is stopping and has written its last records: this answer stands, unrecorded.
            Log.RecordLost(logger, key.Method, key.Caller, key.RequestId, null);
        }

        return response;
    }

    // Loads the method's records once; a failed load (storage unavailable) is tried again by the next call.
    private async Task RememberedAsync(string method, CancellationToken cancellationToken)
    {
        var loading = _loaded.GetOrAdd(method, name => new Lazy<Task>(() => LoadAsync(name)));
        try
        {
            await loading.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (loading.Value.IsFaulted)
        {
            _loaded.TryRemove(new KeyValuePair<string, Lazy<Task>>(method, loading));
            throw;
        }
    }

    // The log's records of the last window, from before this process started.
    private async Task LoadAsync(string method)
    {
        var since = clock.GetUtcNow() - Window;
        foreach (var (key, record, time) in await log.RecentAsync(method, since, CancellationToken.None).ConfigureAwait(false))
        {
            var decision = Task.FromResult(record);
            if (_remembered.TryAdd(key, decision))
            {
                _expiry.Enqueue((key, decision, time + Window));
            }
        }
    }

    private void Forget(DateTimeOffset now)
    {
        if (!_expiry.TryPeek(out var oldest) || oldest.Until > now)
        {
            return;
        }

        lock (_forgetting)
        {
            while (_expiry.TryPeek(out oldest) && oldest.Until <= now && _expiry.TryDequeue(out oldest))
            {
                _remembered.TryRemove(new KeyValuePair<RequestKey, Task<LoggedRequest>>(oldest.Key, oldest.Decision));
            }
        }
    }

    /// <summary>Stops taking records; <see cref="ExecuteAsync"/> then writes those still queued and ends.</summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _unwritten.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    // Runs until StopAsync completed the queue and everything queued is written (not on the stopping token, which
    // would drop the last records).
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(RequestKey Key, LoggedRequest Record, DateTimeOffset Time)>(MaxPerWrite);
        while (await _unwritten.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(FlushDelay, CancellationToken.None).ConfigureAwait(false); // real time: a batching interval, not the endpoint's clock
            }

            while (batch.Count < MaxPerWrite && _unwritten.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            await WriteAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<(RequestKey Key, LoggedRequest Record, DateTimeOffset Time)> batch)
    {
        try
        {
            await database.WriteAsync(
                context =>
                {
                    foreach (var (key, record, time) in batch)
                    {
                        if (log.Find(context, key) is null)
                        {
                            log.Add(context, key, record, time);
                        }
                    }

                    return 0;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StorageUnavailableException or Microsoft.Data.Sqlite.SqliteException)
        {
            // The answers have gone out; only their records are missing from the audit trail (and, after a restart,
            // from the window).
            Log.RecordsLost(logger, batch.Count, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Idempotency.RecordLost, Level = LogLevel.Error, Message = "The record of {Method} request {RequestId} from {Caller} was answered but could not be stored")]
        public static partial void RecordLost(ILogger logger, string method, string caller, string requestId, Exception? exception);

        [LoggerMessage(EventId = LogEvents.Idempotency.RecordsLost, Level = LogLevel.Error, Message = "{Count} answered decisions could not be recorded")]
        public static partial void RecordsLost(ILogger logger, int count, Exception exception);
    }
}
