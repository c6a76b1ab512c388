using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Platform;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage.Partners;
using DomainRegistration = RoamingGrpc.Domain.Parties.PartnerRegistration;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Partners;

/// <summary>
/// Registers this endpoint with its partners (UC1-1 as a client): with every configured partner that has a URL
/// at start, with a partner whose URL was just learnt from its own handshake, and on demand. While a partner is
/// unreachable the handshake is retried with exponential backoff and jitter; a refusal is logged and not retried.
/// </summary>
internal sealed partial class PartnerHandshaker(
    PartnerDirectory directory,
    IPartnerRepository repository,
    PartnerChannelFactory channels,
    PlatformDescription description,
    IOptions<HandshakeOptions> handshakeOptions,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<PartnerHandshaker> logger) : BackgroundService, IPartnerHandshaker
{
    private readonly Channel<PartyIdentity> _requests = Channel.CreateUnbounded<PartyIdentity>();
    private readonly ConcurrentDictionary<PartyIdentity, Task> _running = new();
    private readonly ConcurrentDictionary<PartyIdentity, bool> _again = new();

    /// <inheritdoc />
    public void Request(PartyIdentity partner) => _requests.Writer.TryWrite(partner);

    /// <inheritdoc />
    public Task<DomainRegistration> HandshakeNowAsync(PartyIdentity partner, string requestId, CancellationToken cancellationToken) =>
        HandshakeOnceAsync(partner, requestId, cancellationToken);

    /// <summary>True when no handshake is queued or running (for tests and orderly shutdown).</summary>
    public bool IsIdle => _requests.Reader.Count == 0 && _again.IsEmpty && _running.Values.All(task => task.IsCompleted);

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Our own URL (stated in every handshake) is known once Kestrel listens, which is after hosted services start.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()).ConfigureAwait(false))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
        }

        foreach (var partner in directory.All.Where(partner => partner.EndpointUrl is not null))
        {
            Request(partner.Identity);
        }

        await foreach (var partner in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!_running.TryGetValue(partner, out var running) || running.IsCompleted)
            {
                _running[partner] = RunAsync(partner, stoppingToken);
            }
            else
            {
                // Asked again while an attempt runs (e.g. the partner announced a new URL): run once more after it.
                _again[partner] = true;
            }
        }
    }

    private async Task RunAsync(PartyIdentity partner, CancellationToken stoppingToken)
    {
        // Let the caller's loop continue; the attempt runs on the thread pool.
        await Task.Yield();
        var settings = handshakeOptions.Value;
        var requestId = Guid.NewGuid().ToString();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var registration = await HandshakeOnceAsync(partner, requestId, stoppingToken).ConfigureAwait(false);
                    Log.Registered(logger, partner, registration.Partner.EndpointUrl ?? string.Empty, attempt);
                    if (!_again.TryRemove(partner, out _))
                    {
                        return;
                    }

                    attempt = 0;
                    requestId = Guid.NewGuid().ToString();
                }
                catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Down, slow, or refusing (a certificate being rotated, a partner not configured yet): partners
                    // fix such things without telling us, so every failure is retried, with backoff up to the maximum.
                    var delay = settings.Backoff(attempt);
                    if (IsTransient(ex.StatusCode))
                    {
                        Log.Retrying(logger, partner, ex.StatusCode, attempt, delay, ex.Status.Detail);
                    }
                    else
                    {
                        Log.Refused(logger, partner, ex.StatusCode, delay, ex.Status.Detail);
                    }

                    await Task.Delay(delay, clock, stoppingToken).ConfigureAwait(false);
                }
                catch (PartnerUnreachableException ex)
                {
                    Log.Unusable(logger, partner, ex.Message);
                    _again.TryRemove(partner, out _);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the next start tries again.
        }
        catch (RpcException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the next start tries again.
        }
#pragma warning disable CA1031 // The top of a background task: a failure is logged (as an error) rather than lost unobserved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.Failed(logger, partner, ex);
        }
    }

    private async Task<DomainRegistration> HandshakeOnceAsync(PartyIdentity partner, string requestId, CancellationToken cancellationToken)
    {
        var known = directory.Find(partner)
            ?? throw new PartnerUnreachableException($"{partner} is not in the partner registry.");
        if (!EndpointSettings.TryParseHttpsUrl(known.EndpointUrl, out var url))
        {
            throw new PartnerUnreachableException($"{partner} has no endpoint URL yet; it is learnt when the partner registers with us.");
        }

        var client = new PlatformService.PlatformServiceClient(channels.Get(url, partner));
        var response = await client.HandshakeAsync(
            new HandshakeRequest { RequestId = requestId, Caller = description.Describe() },
            deadline: CallDeadline.After(handshakeOptions.Value.CallTimeout),
            cancellationToken: cancellationToken).ConfigureAwait(false);

        PartnerDetails details;
        try
        {
            details = PlatformInfoReader.Read(response.Platform, "platform");
        }
        catch (RpcException ex)
        {
            throw new PartnerUnreachableException($"{partner} answered the handshake with an invalid platform description: {ex.Status.Detail}");
        }

        if (details.Identity != partner)
        {
            throw new PartnerUnreachableException($"{partner} answered the handshake as {details.Identity}.");
        }

        var registration = await repository.RecordOutboundHandshakeAsync(details, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        directory.Update(registration.Partner);
        return registration;
    }

    private static bool IsTransient(StatusCode code) =>
        code is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted;

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Partners.HandshakeFailed, Level = LogLevel.Error, Message = "Handshake with partner {Partner} failed unexpectedly; not retried")]
        public static partial void Failed(ILogger logger, PartyIdentity partner, Exception exception);

        [LoggerMessage(EventId = LogEvents.Partners.Registered, Level = LogLevel.Information, Message = "Registered with partner {Partner} at {Url} (attempt {Attempt})")]
        public static partial void Registered(ILogger logger, PartyIdentity partner, string url, int attempt);

        [LoggerMessage(EventId = LogEvents.Partners.HandshakeRetrying, Level = LogLevel.Information, Message = "Partner {Partner} not reachable ({Code}, attempt {Attempt}); retrying in {Delay}: {Detail}")]
        public static partial void Retrying(ILogger logger, PartyIdentity partner, StatusCode code, int attempt, TimeSpan delay, string detail);

        [LoggerMessage(EventId = LogEvents.Partners.HandshakeRefused, Level = LogLevel.Warning, Message = "Partner {Partner} refused the handshake ({Code}); retrying in {Delay}: {Detail}")]
        public static partial void Refused(ILogger logger, PartyIdentity partner, StatusCode code, TimeSpan delay, string detail);

        [LoggerMessage(EventId = LogEvents.Partners.Unusable, Level = LogLevel.Warning, Message = "Cannot register with partner {Partner}: {Reason}")]
        public static partial void Unusable(ILogger logger, PartyIdentity partner, string reason);
    }
}
