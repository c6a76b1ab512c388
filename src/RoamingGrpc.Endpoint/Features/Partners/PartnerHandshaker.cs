using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Platform;
using RoamingGrpc.Endpoint.Grpc;
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
/// unreachable the handshake is retried with exponential backoff and jitter; once the <see cref="ReachabilityTracker"/>
/// has marked the partner unreachable (its calls failed for <see cref="HandshakeOptions.UnreachableAfter"/>), only a probe
/// every <see cref="HandshakeOptions.UnreachableProbeInterval"/>, or at once when the partner handshakes with us again.
/// Every attempt is reported to the tracker; the URL recorded is the one called, never what the partner answers.
/// </summary>
internal sealed partial class PartnerHandshaker(
    PartnerDirectory directory,
    IPartnerRepository repository,
    PartnerChannelFactory channels,
    PlatformDescription description,
    ReachabilityTracker reachability,
    IOptions<HandshakeOptions> handshakeOptions,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<PartnerHandshaker> logger) : BackgroundService, IPartnerHandshaker
{
    private readonly Channel<PartyIdentity> _requests = Channel.CreateUnbounded<PartyIdentity>();
    private readonly ConcurrentDictionary<PartyIdentity, Task> _running = new();
    private readonly ConcurrentDictionary<PartyIdentity, bool> _again = new();
    private readonly ConcurrentDictionary<PartyIdentity, TaskCompletionSource> _wakes = new();

    /// <inheritdoc />
    public void Request(PartyIdentity partner)
    {
        // A handshake waiting for its next probe looks again at once (the partner may have been revived).
        if (_wakes.TryRemove(partner, out var wake))
        {
            wake.TrySetResult();
        }

        _requests.Writer.TryWrite(partner);
    }

    /// <inheritdoc />
    public Task<DomainRegistration> HandshakeNowAsync(PartyIdentity partner, string requestId, CancellationToken cancellationToken) =>
        HandshakeOnceAsync(partner, requestId, retryIn: null, cancellationToken);

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

        // A partner that the delivery loops gave up on is probed from here.
        reachability.BecameUnreachable += GaveUp;
        try
        {
            await foreach (var partner in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                if (!_running.TryGetValue(partner, out var running) || running.IsCompleted)
                {
                    _running[partner] = RunAsync(partner, stoppingToken);
                }
                else if (!reachability.IsUnreachable(partner))
                {
                    // Asked again while an attempt runs (e.g. the partner announced a new URL): run once more after it.
                    // (A partner just marked unreachable is probed by the running loop itself.)
                    _again[partner] = true;
                }
            }
        }
        finally
        {
            reachability.BecameUnreachable -= GaveUp;
        }
    }

    /// <summary>
    /// A partner was just marked unreachable: its channels are retired (their background reconnects stop, and the next
    /// call connects afresh) and a handshake loop probes it.
    /// </summary>
    private void GaveUp(PartyIdentity partner)
    {
        channels.Retire(partner);
        Request(partner);
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
                await WaitWhileUnreachableAsync(partner, stoppingToken).ConfigureAwait(false);
                var delay = settings.Backoff(attempt);
                try
                {
                    var registration = await HandshakeOnceAsync(partner, requestId, delay, stoppingToken).ConfigureAwait(false);
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
                    // fix such things without telling us, so every failure is retried, with backoff up to the maximum,
                    // and once the partner is marked unreachable, by the probe (the wait at the top of the loop).
                    var unreachable = reachability.IsUnreachable(partner);
                    var wait = unreachable ? settings.UnreachableProbeInterval : delay;
                    if (IsTransient(ex.StatusCode))
                    {
                        Log.Retrying(logger, partner, ex.StatusCode, attempt, wait, ex.Status.Detail);
                    }
                    else
                    {
                        Log.Refused(logger, partner, ex.StatusCode, wait, ex.Status.Detail);
                    }

                    if (!unreachable)
                    {
                        await Task.Delay(delay, clock, stoppingToken).ConfigureAwait(false);
                    }
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

    /// <summary>
    /// While <paramref name="partner"/> is marked unreachable: waits until its next probe is due, or until it is revived
    /// (its own new handshake, see <see cref="Request"/>).
    /// </summary>
    private async Task WaitWhileUnreachableAsync(PartyIdentity partner, CancellationToken stoppingToken)
    {
        while (true)
        {
            // Registered before the state is read: a revival after the read completes it.
            var wake = _wakes.GetOrAdd(partner, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            var state = reachability.Of(partner);
            var wait = state is { IsUnreachable: true, NextAttemptTime: { } probeAt } ? probeAt - clock.GetUtcNow() : TimeSpan.Zero;
            if (wait <= TimeSpan.Zero)
            {
                _wakes.TryRemove(new KeyValuePair<PartyIdentity, TaskCompletionSource>(partner, wake));
                return;
            }

            using var timer = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            await Task.WhenAny(wake.Task, Task.Delay(wait, clock, timer.Token)).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false); // no timer outlives the wait
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// One handshake with <paramref name="partner"/> at the URL the registry holds, its outcome reported to the
    /// reachability tracker (<paramref name="retryIn"/>: when the caller tries again after a failure, null for never).
    /// </summary>
    private async Task<DomainRegistration> HandshakeOnceAsync(PartyIdentity partner, string requestId, TimeSpan? retryIn, CancellationToken cancellationToken)
    {
        var known = directory.Find(partner)
            ?? throw new PartnerUnreachableException($"{partner} is not in the partner registry.");
        if (!EndpointSettings.TryParseHttpsUrl(known.EndpointUrl, out var url))
        {
            throw new PartnerUnreachableException($"{partner} has no endpoint URL yet; it is learnt when the partner registers with us.");
        }

        HandshakeResponse response;
        try
        {
            var client = new PlatformService.PlatformServiceClient(channels.Get(url, partner));
            response = await client.HandshakeAsync(
                new HandshakeRequest { RequestId = requestId, Caller = description.Describe() },
                deadline: CallDeadline.After(handshakeOptions.Value.CallTimeout),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            reachability.Failed(partner, ErrorMapping.StatusName(ex.StatusCode), ex.Status.Detail, retryIn);
            throw;
        }

        PartnerDetails details;
        try
        {
            details = PlatformInfoReader.Read(response.Platform, "platform");
        }
        catch (RoamingException ex)
        {
            throw Unusable(partner, $"{partner} answered the handshake with an invalid platform description: {ex.Message}", retryIn);
        }

        if (details.Identity != partner)
        {
            throw Unusable(partner, $"{partner} answered the handshake as {details.Identity}.", retryIn);
        }

        reachability.Succeeded(partner);

        // The URL recorded is the one this endpoint called and the partner's certificate proved: a partner's answer
        // does not move it elsewhere (a new URL comes with the partner's own handshake, where it is checked).
        var called = details with { EndpointUrl = EndpointSettings.CanonicalUrl(url) };
        var registration = await repository.RecordOutboundHandshakeAsync(called, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        directory.Update(registration.Partner);
        return registration;
    }

    private PartnerUnreachableException Unusable(PartyIdentity partner, string reason, TimeSpan? retryIn)
    {
        reachability.Failed(partner, ErrorMapping.StatusName(StatusCode.FailedPrecondition), reason, retryIn);
        return new PartnerUnreachableException(reason);
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
