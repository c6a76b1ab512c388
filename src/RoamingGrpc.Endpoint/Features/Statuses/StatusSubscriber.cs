using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage.Status;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Statuses;

/// <summary>
/// The CSP side of UC1-3: one WatchEvseStatus subscription per registered CSO partner, opened with the last
/// sequence applied (or a snapshot when there is none), applying each event together with the cursor in one
/// transaction and acknowledging what it applied. A cut stream reconnects with backoff and resumes after the
/// cursor (no gap, no event applied twice); a stale cursor (OUT_OF_RANGE) resyncs by pulling ListEvseStatuses,
/// then resubscribes after the pulled sequence. Every (re)connection is reported to the <see cref="ReachabilityTracker"/>;
/// a CSO it holds unreachable is not reconnected to until a handshake with it succeeds.
/// </summary>
internal sealed partial class StatusSubscriber(
    PartnerDirectory directory,
    PartnerChannelFactory channels,
    ReachabilityTracker reachability,
    IPartnerStatusStore store,
    IOptions<HandshakeOptions> handshakeOptions,
    IOptions<StreamOptions> streamOptions,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<StatusSubscriber> logger) : BackgroundService
{
    private const int AckEvery = 100;
    private const int InboxCapacity = 1000;
    private const uint EventsPerMessage = 100;
    private readonly ConcurrentDictionary<PartyIdentity, Task> _subscriptions = new();
    private readonly ConcurrentDictionary<PartyIdentity, CancellationTokenSource> _current = new();

    /// <summary>Cuts the current stream to <paramref name="cso"/> (it reconnects by itself); for operators and tests.</summary>
    public void Cut(PartyIdentity cso)
    {
        if (_current.TryGetValue(cso, out var stream))
        {
            try
            {
                stream.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That stream just ended on its own; the next one starts from the stored cursor anyway.
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()).ConfigureAwait(false))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // A CSO without an endpoint URL (it never stated one, or the operator's AllowedUrls no longer match it) is
            // not called at all until its next handshake records one: no attempt, so nothing to count as unreachable.
            foreach (var partner in directory.All.Where(partner => partner.Identity.Role == PartyRole.Cso && partner.EndpointUrl is not null
                && directory.IsRegistered(partner.Identity) && !reachability.IsUnreachable(partner.Identity)))
            {
                if (!_subscriptions.TryGetValue(partner.Identity, out var running) || running.IsCompleted)
                {
                    // Not started with the stopping token: a task cancelled before it ran would fail StopAsync's WhenAll;
                    // RunAsync itself ends quietly once stopping.
                    _subscriptions[partner.Identity] = Task.Run(() => RunAsync(partner.Identity, stoppingToken), CancellationToken.None);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), clock, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_subscriptions.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(PartyIdentity cso, CancellationToken stoppingToken)
    {
        try
        {
            await SubscribeWithRetriesAsync(cso, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The endpoint is stopping (a cancelled call surfaces as RpcException or OperationCanceledException);
            // the cursor is in the database and the next start resumes after it.
        }
    }

    private async Task SubscribeWithRetriesAsync(PartyIdentity cso, CancellationToken stoppingToken)
    {
        var failures = 0;
        var resync = false;
        while (!stoppingToken.IsCancellationRequested && directory.IsRegistered(cso) && !reachability.IsUnreachable(cso))
        {
            using var stream = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _current[cso] = stream;
            try
            {
                if (resync)
                {
                    await ResyncAsync(cso, stoppingToken).ConfigureAwait(false);
                    resync = false;
                }

                await SubscribeAsync(
                    cso,
                    () =>
                    {
                        failures = 0;
                        reachability.Succeeded(cso);
                    },
                    stream.Token).ConfigureAwait(false);
                failures = 0;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.OutOfRange && !stoppingToken.IsCancellationRequested)
            {
                Log.Stale(logger, cso, ex.Status.Detail);
                resync = true;
                if (++failures > 1)
                {
                    await Task.Delay(handshakeOptions.Value.Backoff(failures - 1), clock, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is RpcException or IOException or HttpRequestException or OperationCanceledException && !stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = handshakeOptions.Value.Backoff(failures);
                Log.Reconnecting(logger, cso, failures, delay, ex.Message);
                if (!stream.IsCancellationRequested)
                {
                    // A stream this side cut (Cut) says nothing about the partner.
                    var (code, detail) = ex is RpcException rpc ? (rpc.StatusCode, rpc.Status.Detail) : (StatusCode.Unavailable, ex.Message);
                    reachability.Failed(cso, ErrorMapping.StatusName(code), detail, delay);
                }

                await Task.Delay(delay, clock, stoppingToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The top of a background subscription: logged as an error and retried, not lost.
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                Log.Failed(logger, cso, ex);
                await Task.Delay(handshakeOptions.Value.MaxBackoff, clock, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                _current.TryRemove(new KeyValuePair<PartyIdentity, CancellationTokenSource>(cso, stream));
            }
        }
    }

    private async Task SubscribeAsync(PartyIdentity cso, Action opened, CancellationToken cancellationToken)
    {
        var client = Client(cso);
        var cursor = await store.CursorAsync(cso.PartyId, cancellationToken).ConfigureAwait(false);
        using var call = client.WatchEvseStatus(cancellationToken: cancellationToken);
        // Batches of up to 100 changes per message: fewer messages for the CSO to frame and for us to read.
        var start = new WatchEvseStatusStart { MaxInFlight = (uint)streamOptions.Value.DefaultWindow, MaxEventsPerMessage = EventsPerMessage };
        if (cursor is { } after)
        {
            start.ResumeAfterSequence = (ulong)after;
        }
        else
        {
            start.Snapshot = true;
        }

        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = start }, cancellationToken).ConfigureAwait(false);

        // A pump moves messages into a bounded inbox; the loop below applies every event already there in one
        // transaction, so the apply rate follows the arrival rate instead of one commit per event.
        var inbox = Channel.CreateBounded<WatchEvseStatusResponse>(new BoundedChannelOptions(InboxCapacity) { SingleReader = true, SingleWriter = true });
        var pump = PumpAsync(call.ResponseStream, inbox.Writer, cancellationToken);
        List<StatusEntry>? snapshot = null;
        var pending = new List<StatusEntry>();
        long applied = cursor ?? 0;
        long acked = applied;
        while (await inbox.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (pending.Count < InboxCapacity && inbox.Reader.TryRead(out var message))
            {
                if (message.KindCase == WatchEvseStatusResponse.KindOneofCase.Event)
                {
                    pending.Add(StatusValidator.FromProto((long)message.Event.Sequence, message.Event.EvseStatus));
                    continue;
                }

                if (message.KindCase == WatchEvseStatusResponse.KindOneofCase.Events)
                {
                    pending.AddRange(message.Events.Events.Select(change => StatusValidator.FromProto((long)change.Sequence, change.EvseStatus)));
                    continue;
                }

                applied = await FlushAsync(cso, pending, applied, cancellationToken).ConfigureAwait(false);
                switch (message.KindCase)
                {
                    case WatchEvseStatusResponse.KindOneofCase.Opened:
                        Log.Subscribed(logger, cso, (long)message.Opened.ResumeAfterSequence, (long)message.Opened.LatestSequence);
                        opened();
                        break;
                    case WatchEvseStatusResponse.KindOneofCase.SnapshotBegin:
                        snapshot = [];
                        break;
                    case WatchEvseStatusResponse.KindOneofCase.SnapshotItem:
                        snapshot?.Add(StatusValidator.FromProto(0, message.SnapshotItem));
                        break;
                    case WatchEvseStatusResponse.KindOneofCase.SnapshotEnd:
                        applied = (long)message.SnapshotEnd.Sequence;
                        await store.ReplaceAsync(cso.PartyId, applied, snapshot ?? [], cancellationToken).ConfigureAwait(false);
                        snapshot = null;
                        break;
                }
            }

            applied = await FlushAsync(cso, pending, applied, cancellationToken).ConfigureAwait(false);
            if (applied > acked && (applied - acked >= AckEvery || inbox.Reader.Count == 0))
            {
                await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Ack = new StreamAck { Sequence = (ulong)applied } }, cancellationToken).ConfigureAwait(false);
                acked = applied;
            }
        }

        await pump.ConfigureAwait(false);
    }

    private async Task<long> FlushAsync(PartyIdentity cso, List<StatusEntry> pending, long applied, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return applied;
        }

        var cursor = await store.ApplyAsync(cso.PartyId, pending, cancellationToken).ConfigureAwait(false);
        pending.Clear();
        return cursor;
    }

    private static async Task PumpAsync(IAsyncStreamReader<WatchEvseStatusResponse> responses, ChannelWriter<WatchEvseStatusResponse> inbox, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in responses.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await inbox.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }

            inbox.TryComplete();
        }
#pragma warning disable CA1031 // Not swallowed: handed to the reading loop, which rethrows it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            inbox.TryComplete(ex);
        }
    }

    private async Task ResyncAsync(PartyIdentity cso, CancellationToken cancellationToken)
    {
        var client = Client(cso);
        var statuses = new List<StatusEntry>();
        long? sequence = null;
        var token = string.Empty;
        do
        {
            var page = await client.ListEvseStatusesAsync(new ListEvseStatusesRequest { PageSize = 1000, PageToken = token }, cancellationToken: cancellationToken).ConfigureAwait(false);
            sequence ??= (long)page.Sequence;
            statuses.AddRange(page.EvseStatuses.Select(status => StatusValidator.FromProto(0, status)));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        await store.ReplaceAsync(cso.PartyId, sequence ?? 0, statuses, cancellationToken).ConfigureAwait(false);
        Log.Resynced(logger, cso, statuses.Count, sequence ?? 0);
    }

    private EvseStatusService.EvseStatusServiceClient Client(PartyIdentity cso)
    {
        var partner = directory.Find(cso);
        return EndpointSettings.TryParseHttpsUrl(partner?.EndpointUrl, out var url)
            ? new EvseStatusService.EvseStatusServiceClient(channels.Get(url, cso))
            : throw new RpcException(new Status(StatusCode.Unavailable, $"{cso} has no endpoint URL yet."));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.StatusSubscriptions.Subscribed, Level = LogLevel.Information, Message = "Status stream from {Partner} open after sequence {Cursor} (latest {Latest})")]
        public static partial void Subscribed(ILogger logger, PartyIdentity partner, long cursor, long latest);

        [LoggerMessage(EventId = LogEvents.StatusSubscriptions.Reconnecting, Level = LogLevel.Information, Message = "Status stream from {Partner} interrupted (failure {Failures}); reconnecting in {Delay}: {Reason}")]
        public static partial void Reconnecting(ILogger logger, PartyIdentity partner, int failures, TimeSpan delay, string reason);

        [LoggerMessage(EventId = LogEvents.StatusSubscriptions.Stale, Level = LogLevel.Warning, Message = "Status cursor for {Partner} is older than its log ({Detail}); resyncing by pull")]
        public static partial void Stale(ILogger logger, PartyIdentity partner, string detail);

        [LoggerMessage(EventId = LogEvents.StatusSubscriptions.Failed, Level = LogLevel.Error, Message = "Status subscription to {Partner} failed unexpectedly; retrying")]
        public static partial void Failed(ILogger logger, PartyIdentity partner, Exception exception);

        [LoggerMessage(EventId = LogEvents.StatusSubscriptions.Resynced, Level = LogLevel.Information, Message = "Resynced {Count} EVSE statuses of {Partner} at sequence {Sequence}")]
        public static partial void Resynced(ILogger logger, PartyIdentity partner, int count, long sequence);
    }
}
