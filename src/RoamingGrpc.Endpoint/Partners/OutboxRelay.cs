using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Outbox;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// Relays the outbox to partners (durable push): per partner and kind, the oldest entries in order, in batches,
/// under a deadline; answered entries leave the outbox, refused ones are kept aside and logged; a partner that
/// is down or not registered yet is retried with exponential backoff. Nothing is lost while a partner is down:
/// entries stay in the database until the partner answers them.
/// </summary>
public sealed partial class OutboxRelay(
    IOutbox outbox,
    OutboxSignal signal,
    PartnerDirectory directory,
    PartnerChannelFactory channels,
    IOptions<RoamingEndpointOptions> options,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    /// <summary>The kind of outbox entries carrying sites (UC1-2).</summary>
    public const string SiteKind = "site";

    /// <summary>The kind of outbox entries carrying tariffs (UC2-1).</summary>
    public const string TariffKind = "tariff";

    /// <summary>The kind of outbox entries carrying sessions (UC3-1, UC3-3, UC3-5 start and end).</summary>
    public const string SessionKind = "session";

    /// <summary>The kind of outbox entries carrying SDRs (UC3-9).</summary>
    public const string SdrKind = "sdr";

    /// <summary>The kind of outbox entries carrying command outcomes (UC3-2, UC3-4, UC3-7, UC3-8, UC5-2, UC5-3).</summary>
    public const string CommandResultKind = "command_result";

    /// <summary>The kind of outbox entries carrying maintenance notices (UC5-1).</summary>
    public const string MaintenanceNoticeKind = "maintenance_notice";

    /// <summary>The kind of outbox entries carrying the charge plan in force of a session (UC3-7, UC3-10), one entity per session.</summary>
    public const string ChargePlanKind = "charge_plan";

    /// <summary>The kind of outbox entries carrying reservations (UC3-8: activation, use, expiry, cancellation).</summary>
    public const string ReservationKind = "reservation";

    private const int BatchSize = 200;

    /// <summary>How long a graceful shutdown spends on a last push round.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset NextAttempt)> _backoff = new();

    /// <summary>True when the outbox holds nothing for any partner (for tests and orderly shutdown).</summary>
    public async Task<bool> IsDrainedAsync(CancellationToken cancellationToken) =>
        await outbox.DepthAsync(cancellationToken).ConfigureAwait(false) == 0;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()).ConfigureAwait(false))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        // A partner that just registered (or changed its URL) may have entries waiting: look now.
        directory.Updated += OnPartnerUpdated;
        try
        {
            await RelayAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (RpcException) when (stoppingToken.IsCancellationRequested)
        {
            // A push cut short by shutdown: its entries are still in the outbox and go at the next start.
        }
        finally
        {
            directory.Updated -= OnPartnerUpdated;
        }
    }

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

    private void OnPartnerUpdated(Domain.Parties.Partner partner)
    {
        _backoff.TryRemove(partner.Identity.ToString(), out _);
        signal.Ring();
    }

    private async Task RelayAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var pending = await outbox.PendingAsync(stoppingToken).ConfigureAwait(false);
            var soonest = PollInterval;
            foreach (var (partner, kind) in pending)
            {
                var wait = await DrainAsync(partner, kind, stoppingToken).ConfigureAwait(false);
                if (wait < soonest)
                {
                    soonest = wait;
                }
            }

            await signal.WaitAsync(soonest, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Pushes what waits for one partner and kind; returns how long until it should be tried again.</summary>
    private async Task<TimeSpan> DrainAsync(string partnerKey, string kind, CancellationToken stoppingToken, bool waitForReady = false)
    {
        var now = clock.GetUtcNow();
        if (_backoff.TryGetValue(partnerKey, out var state) && state.NextAttempt > now)
        {
            return state.NextAttempt - now;
        }

        var identity = ParseKey(partnerKey);
        var partner = identity is null ? null : directory.Find(identity);
        if (identity is null || partner is null || !directory.IsRegistered(identity) || !EndpointSettings.TryParseHttpsUrl(partner.EndpointUrl, out var url))
        {
            // Not (yet) a registered partner with a known URL: its entries wait for the handshake.
            return PollInterval;
        }

        try
        {
            while (true)
            {
                var entries = await outbox.PeekAsync(partnerKey, kind, BatchSize, stoppingToken).ConfigureAwait(false);
                if (entries.Count == 0)
                {
                    _backoff.TryRemove(partnerKey, out _);
                    return PollInterval;
                }

                var results = await PushAsync(channels.Get(url, identity), kind, entries, waitForReady, stoppingToken).ConfigureAwait(false);
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
                        Log.Rejected(logger, identity, kind, entry.EntityId, entry.EntityVersion, reason, result.ErrorDetail);
                        rejected.Add((entry, reason, result.ErrorDetail));
                    }
                    else
                    {
                        delivered.Add(entry.DeliveryId);
                    }
                }

                await outbox.CompleteAsync(delivered, rejected, clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                if (delivered.Count + rejected.Count < entries.Count)
                {
                    return Failed(partnerKey, identity, StatusCode.DataLoss, "the partner left entries of the batch unanswered");
                }

                Log.Pushed(logger, identity, kind, delivered.Count, rejected.Count);
            }
        }
        catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
        {
            return Failed(partnerKey, identity, ex.StatusCode, ex.Status.Detail);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Storage.StorageUnavailableException or ArgumentException && !stoppingToken.IsCancellationRequested)
        {
            // Our side failed (storage, or a malformed answer): nothing was removed from the outbox; try again later.
            Log.RelayFailed(logger, identity, ex);
            return Failed(partnerKey, identity, StatusCode.Internal, ex.Message);
        }
    }

    // waitForReady: the shutdown flush waits (within its time limit) for a channel still backing off after a partner outage.
    private async Task<IReadOnlyList<DeliveryResult>> PushAsync(global::Grpc.Net.Client.GrpcChannel channel, string kind, IReadOnlyList<OutboxEntry> entries, bool waitForReady, CancellationToken cancellationToken)
    {
        var client = new CsoUpdateService.CsoUpdateServiceClient(channel);
        var deadline = clock.GetUtcNow().Add(options.Value.Handshake.CallTimeout).UtcDateTime;
        var requestId = Guid.NewGuid().ToString();
        switch (kind)
        {
            case SiteKind:
                var sites = new PushSiteUpdatesRequest { RequestId = requestId };
                sites.Updates.AddRange(entries.Select(entry => new SiteUpdate { Delivery = Delivery(entry), Site = Site.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushSiteUpdatesAsync(sites, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            case TariffKind:
                var tariffs = new PushTariffUpdatesRequest { RequestId = requestId };
                tariffs.Updates.AddRange(entries.Select(entry => new TariffUpdate { Delivery = Delivery(entry), Tariff = Tariff.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushTariffUpdatesAsync(tariffs, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            case SessionKind:
                var sessions = new PushSessionUpdatesRequest { RequestId = requestId };
                sessions.Updates.AddRange(entries.Select(entry => new SessionUpdate { Delivery = Delivery(entry), Session = Session.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushSessionUpdatesAsync(sessions, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            case SdrKind:
                var sdrs = new PushSdrsRequest { RequestId = requestId };
                sdrs.Updates.AddRange(entries.Select(entry => new SdrUpdate { Delivery = Delivery(entry), Sdr = Sdr.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushSdrsAsync(sdrs, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            case CommandResultKind:
                var results = new PushCommandResultsRequest { RequestId = requestId };
                results.Updates.AddRange(entries.Select(entry => new CommandResultUpdate { Delivery = Delivery(entry), CommandResult = CommandResult.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushCommandResultsAsync(results, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            case MaintenanceNoticeKind:
                var notices = new PushMaintenanceNoticesRequest { RequestId = requestId };
                notices.Updates.AddRange(entries.Select(entry => new MaintenanceNoticeUpdate { Delivery = Delivery(entry), MaintenanceNotice = MaintenanceNotice.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushMaintenanceNoticesAsync(notices, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            case ChargePlanKind:
                var plans = new PushChargePlanUpdatesRequest { RequestId = requestId };
                plans.Updates.AddRange(entries.Select(entry => new ChargePlanUpdate { Delivery = Delivery(entry), ChargePlan = ChargePlan.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushChargePlanUpdatesAsync(plans, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            case ReservationKind:
                var reservations = new PushReservationUpdatesRequest { RequestId = requestId };
                reservations.Updates.AddRange(entries.Select(entry => new ReservationUpdate { Delivery = Delivery(entry), Reservation = Reservation.Parser.ParseFrom(entry.Payload) }));
                return (await client.PushReservationUpdatesAsync(reservations, new CallOptions(deadline: deadline, cancellationToken: cancellationToken).WithWaitForReady(waitForReady)).ConfigureAwait(false)).Results;
            default:
                throw new InvalidOperationException($"Outbox entries of kind '{kind}' have no sender in this build.");
        }
    }

    private static Delivery Delivery(OutboxEntry entry) => new()
    {
        DeliveryId = entry.DeliveryId,
        EntityVersion = (ulong)entry.EntityVersion,
        EnqueueTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(entry.EnqueueTime)),
    };

    private TimeSpan Failed(string partnerKey, PartyIdentity identity, StatusCode code, string detail)
    {
        var failures = _backoff.TryGetValue(partnerKey, out var state) ? state.Failures + 1 : 1;
        var delay = options.Value.Handshake.Backoff(failures);
        _backoff[partnerKey] = (failures, clock.GetUtcNow() + delay);
        Log.PushFailed(logger, identity, code, failures, delay, detail);
        return delay;
    }

    private static PartyIdentity? ParseKey(string key)
    {
        var colon = key.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && PartyRoles.TryParse(key[..colon], out var role) ? PartyIdentity.Create(role.Value, key[(colon + 1)..]) : null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Pushed {Delivered} {Kind} update(s) to {Partner} ({Rejected} refused)")]
        public static partial void Pushed(ILogger logger, PartyIdentity partner, string kind, int delivered, int rejected);

        [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Push to {Partner} failed ({Code}, failure {Failures}); retrying in {Delay}: {Detail}")]
        public static partial void PushFailed(ILogger logger, PartyIdentity partner, StatusCode code, int failures, TimeSpan delay, string detail);

        [LoggerMessage(EventId = 3205, Level = LogLevel.Information, Message = "Shutdown: the last push round did not finish within {Timeout}; the rest stays queued for the next start")]
        public static partial void FlushCut(ILogger logger, TimeSpan timeout);

        [LoggerMessage(EventId = 3204, Level = LogLevel.Error, Message = "Relaying the outbox to {Partner} failed on this side; the entries stay queued")]
        public static partial void RelayFailed(ILogger logger, PartyIdentity partner, Exception exception);

        [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "{Partner} refused {Kind} {EntityId} version {Version}: {Reason} {Detail}; kept in outbox_rejected")]
        public static partial void Rejected(ILogger logger, PartyIdentity partner, string kind, string entityId, long version, string reason, string detail);
    }
}
