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
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Outbox;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// Relays the outbox to partners (durable push): per partner and kind, the oldest entries in order, in batches,
/// under a deadline, with the RPC of their <see cref="PushKinds"/> entry; answered entries leave the outbox, refused
/// ones are kept aside and logged; a partner that is down or not registered yet is retried with exponential backoff,
/// and not called at all while the <see cref="ReachabilityTracker"/> holds it unreachable (until a handshake succeeds).
/// Nothing is lost while a partner is down: entries stay in the database until the partner answers them. Woken by
/// every commit that queues entries.
/// </summary>
internal sealed partial class OutboxRelay(
    IOutbox outbox,
    CommitNotifier notifier,
    PartnerDirectory directory,
    PartnerChannelFactory channels,
    ReachabilityTracker reachability,
    IOptions<HandshakeOptions> handshakeOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxRelay> logger) : DeliveryLoop(notifier, directory, clock, lifetime)
{
    private const int BatchSize = 200;

    /// <summary>How long a graceful shutdown spends on a last push round.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(3);

    private readonly PartnerBackoff _backoff = new(handshakeOptions.Value, clock);

    private TimeSpan PollInterval => deliveryOptions.Value.PollInterval;

    /// <summary>True when the outbox holds nothing for any partner (for tests and orderly shutdown).</summary>
    public async Task<bool> IsDrainedAsync(CancellationToken cancellationToken) =>
        await outbox.DepthAsync(cancellationToken).ConfigureAwait(false) == 0;

    /// <summary>
    /// Graceful shutdown: once the relay loop has stopped, one last round pushes what waits for each partner (backoff
    /// ignored: a partner that came back should not wait for the restart), within <see cref="FlushTimeout"/>. What does
    /// not go out stays in the outbox for the next start.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flush.CancelAfter(FlushTimeout);
        _backoff.Clear();
        try
        {
            foreach (var (partner, kind) in await outbox.PendingAsync(flush.Token).ConfigureAwait(false))
            {
                await DrainAsync(partner, kind, flush.Token, waitForReady: true).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException && flush.IsCancellationRequested)
        {
            Log.FlushCut(logger, FlushTimeout);
        }
    }

    protected override StoreChanges WakesOn => StoreChanges.Outbox;

    protected override void OnPartnerUpdated(Domain.Parties.Partner partner) => _backoff.Reset(partner.Identity);

    protected override bool IsShutdown(Exception exception, CancellationToken stoppingToken) =>
        exception is RpcException && stoppingToken.IsCancellationRequested;

    protected override async Task<TimeSpan> RoundAsync(CancellationToken stoppingToken)
    {
        var soonest = PollInterval;
        foreach (var (partner, kind) in await outbox.PendingAsync(stoppingToken).ConfigureAwait(false))
        {
            var wait = await DrainAsync(partner, kind, stoppingToken).ConfigureAwait(false);
            soonest = wait < soonest ? wait : soonest;
        }

        return soonest;
    }

    /// <summary>Pushes what waits for one partner and kind; returns how long until it should be tried again.</summary>
    private async Task<TimeSpan> DrainAsync(string partnerKey, string kindName, CancellationToken stoppingToken, bool waitForReady = false)
    {
        var identity = ParseKey(partnerKey);
        var partner = identity is null ? null : Directory.Find(identity);
        if (identity is null || partner is null || !Directory.IsRegistered(identity) || !EndpointSettings.TryParseHttpsUrl(partner.EndpointUrl, out var url))
        {
            // Not (yet) a registered partner with a known URL: its entries wait for the handshake.
            return PollInterval;
        }

        if (reachability.IsUnreachable(identity))
        {
            // Given up on: its entries wait for a successful handshake (which wakes this loop).
            return PollInterval;
        }

        if (_backoff.Remaining(identity) is var remaining && remaining > TimeSpan.Zero)
        {
            return remaining;
        }

        var kind = PushKinds.ByName.GetValueOrDefault(kindName)
            ?? throw new InvalidOperationException($"Outbox entries of kind '{kindName}' have no push kind in this build.");
        try
        {
            while (true)
            {
                var entries = await outbox.PeekAsync(partnerKey, kindName, BatchSize, stoppingToken).ConfigureAwait(false);
                if (entries.Count == 0)
                {
                    _backoff.Reset(identity);
                    return PollInterval;
                }

                var deadline = CallDeadline.After(handshakeOptions.Value.CallTimeout);
                var callOptions = new CallOptions(deadline: deadline, cancellationToken: stoppingToken).WithWaitForReady(waitForReady);
                var results = await kind.SendAsync(channels.Get(url, identity).CreateCallInvoker(), Guid.NewGuid().ToString(), entries, callOptions).ConfigureAwait(false);
                var byId = results.ToDictionary(result => result.DeliveryId, StringComparer.Ordinal);
                var delivered = new List<string>();
                var rejected = new List<(OutboxEntry, string, string)>();
                foreach (var entry in entries)
                {
                    if (!byId.TryGetValue(entry.DeliveryId, out var result) || result.Outcome == DeliveryOutcome.Unspecified)
                    {
                        continue; // unanswered: stays in the outbox and goes again
                    }

                    if (result.Outcome == DeliveryOutcome.Rejected)
                    {
                        var reason = ProtoEnumNames.Of(result.ErrorReason);
                        Log.Rejected(logger, identity, kindName, entry.EntityId, entry.EntityVersion, reason, result.ErrorDetail);
                        rejected.Add((entry, reason, result.ErrorDetail));
                    }
                    else
                    {
                        delivered.Add(entry.DeliveryId);
                    }
                }

                await outbox.CompleteAsync(delivered, rejected, Clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (delivered.Count + rejected.Count < entries.Count)
                {
                    return Failed(identity, StatusCode.DataLoss, "the partner left entries of the batch unanswered");
                }

                reachability.Succeeded(identity);

                Log.Pushed(logger, identity, kindName, delivered.Count, rejected.Count);
            }
        }
        catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
        {
            return Failed(identity, ex.StatusCode, ex.Status.Detail);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StorageUnavailableException or ArgumentException && !stoppingToken.IsCancellationRequested)
        {
            // Our side failed (storage, or a malformed answer): nothing was removed from the outbox; try again later.
            Log.RelayFailed(logger, identity, ex);
            return Failed(identity, StatusCode.Internal, ex.Message, partnersFault: false);
        }
    }

    private TimeSpan Failed(PartyIdentity identity, StatusCode code, string detail, bool partnersFault = true)
    {
        var (failures, delay) = _backoff.Failed(identity);
        Log.PushFailed(logger, identity, code, failures, delay, detail);
        if (partnersFault)
        {
            reachability.Failed(identity, ErrorMapping.StatusName(code), detail, delay);
        }

        return delay;
    }

    private static PartyIdentity? ParseKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && PartyRoles.TryParse(key[..colon], out var role) ? PartyIdentity.Create(role.Value, key[(colon + 1)..]) : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Pushes.Pushed, Level = LogLevel.Information, Message = "Pushed {Delivered} {Kind} update(s) to {Partner} ({Rejected} refused)")]
        public static partial void Pushed(ILogger logger, PartyIdentity partner, string kind, int delivered, int rejected);

        [LoggerMessage(EventId = LogEvents.Pushes.PushFailed, Level = LogLevel.Information, Message = "Push to {Partner} failed ({Code}, failure {Failures}); retrying in {Delay}: {Detail}")]
        public static partial void PushFailed(ILogger logger, PartyIdentity partner, StatusCode code, int failures, TimeSpan delay, string detail);

        [LoggerMessage(EventId = LogEvents.Pushes.FlushCut, Level = LogLevel.Information, Message = "Shutdown: the last push round did not finish within {Timeout}; the rest stays queued for the next start")]
        public static partial void FlushCut(ILogger logger, TimeSpan timeout);

        [LoggerMessage(EventId = LogEvents.Pushes.RelayFailed, Level = LogLevel.Error, Message = "Relaying the outbox to {Partner} failed on this side; the entries stay queued")]
        public static partial void RelayFailed(ILogger logger, PartyIdentity partner, Exception exception);

        [LoggerMessage(EventId = LogEvents.Pushes.Rejected, Level = LogLevel.Warning, Message = "{Partner} refused {Kind} {EntityId} version {Version}: {Reason} {Detail}; kept in outbox_rejected")]
        public static partial void Rejected(ILogger logger, PartyIdentity partner, string kind, string entityId, long version, string reason, string detail);
    }
}
