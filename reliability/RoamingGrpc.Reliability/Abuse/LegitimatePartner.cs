using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// The legitimate partner, calling the CSO at a fixed rate with a fixed concurrency through every phase: the CSP's
/// reads (<c>SiteService.GetSite</c> with the CSP's partner certificate on its long-lived channel), authorizations
/// through the CSO (the CSO's back office presents a token of the CSP at an EVSE: <c>PresentToken</c>, for which the
/// CSO asks the CSP online with <c>AuthorizeToken</c>; the token is blocked, so no session starts and every call is
/// the same work), and a new partner connection every <see cref="AbuseOptions.FreshConnectionInterval"/> (TLS
/// handshake with the CSP's certificate and a first GetSite, timed together). Each phase collects its own samples.
/// Latency is from sending a call to its answer; a call is paced by schedule, so a stall shows as later calls, not
/// fewer (the callers catch up at their fixed concurrency).
/// </summary>
internal sealed class LegitimatePartner(RoamingPair pair, Workspace workspace, AbuseOptions options, string siteId, string evseId, Token blockedToken)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private Phase _phase = new();

    /// <summary>
    /// The samples of one phase: reads, authorizations, fresh connections. Each phase paces its calls from its own
    /// start: calls a phase could not send in time are not sent in the next one (they would load it with the backlog
    /// of the previous one), and the calls answered show the shortfall.
    /// </summary>
    internal sealed class Phase
    {
        private long _readSlots = -1;
        private long _authorizationSlots = -1;

        public long Started { get; } = Stopwatch.GetTimestamp();

        public Latencies Reads { get; } = new();

        public Latencies Authorizations { get; } = new();

        public Latencies FreshConnections { get; } = new();

        /// <summary>The time from the phase's start at which the next call of <paramref name="flow"/> is due.</summary>
        public TimeSpan NextDue(Latencies flow, double rate) =>
            TimeSpan.FromSeconds(Interlocked.Increment(ref ReferenceEquals(flow, Reads) ? ref _readSlots : ref _authorizationSlots) / rate);
    }

    /// <summary>Starts collecting into a new phase; returns the one that ended.</summary>
    public Phase NextPhase() => Interlocked.Exchange(ref _phase, new Phase());

    public Task RunAsync(CancellationToken stop)
    {
        var sites = new SiteService.SiteServiceClient(pair.AsCsp);
        var reads = Paced(options.ReadRate, options.ReadConcurrency, phase => phase.Reads, ReadAsync, stop);
        var authorizations = Paced(options.AuthorizeRate, options.AuthorizeConcurrency, phase => phase.Authorizations, AuthorizeAsync, stop);
        return Task.WhenAll(reads, authorizations, FreshConnectionsAsync(stop));

        async Task<string?> ReadAsync(CancellationToken cancellationToken)
        {
            var answer = await sites.GetSiteAsync(new GetSiteRequest { SiteId = siteId }, deadline: DateTime.UtcNow.Add(CallTimeout), cancellationToken: cancellationToken).ConfigureAwait(false);
            return answer.Site.SiteId == siteId ? null : $"GetSite answered site '{answer.Site.SiteId}'";
        }

        async Task<string?> AuthorizeAsync(CancellationToken cancellationToken)
        {
            var request = new PresentTokenRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                EvseId = evseId,
                IdentificationMethod = IdentificationMethod.Rfid,
                Token = new TokenRef { Uid = blockedToken.Uid, Type = blockedToken.Type, ProviderId = Parties.Csp.PartyId },
            };
            var answer = await pair.CsoBackoffice.PresentTokenAsync(request, deadline: DateTime.UtcNow.Add(CallTimeout), cancellationToken: cancellationToken).ConfigureAwait(false);
            return answer is { Status: AuthorizationStatus.Blocked, AuthorizationMethod: AuthorizationMethod.Online }
                ? null
                : $"PresentToken answered {answer.Status} by {answer.AuthorizationMethod} (expected BLOCKED, online: the CSP asked)";
        }
    }

    // `rate` calls per second on `concurrency` callers; each call's latency or failure goes to the current phase.
    private async Task Paced(double rate, int concurrency, Func<Phase, Latencies> flow, Func<CancellationToken, Task<string?>> call, CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var phase = Volatile.Read(ref _phase);
                var due = phase.NextDue(flow(phase), rate) - Stopwatch.GetElapsedTime(phase.Started);
                if (due > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(due, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                if (ReferenceEquals(phase, Volatile.Read(ref _phase)))
                {
                    await MeasureAsync(flow, call, stop).ConfigureAwait(false);
                }
            }
        })).ConfigureAwait(false);
    }

    private async Task FreshConnectionsAsync(CancellationToken stop)
    {
        var certificates = workspace.Certificates("csp");
        while (!stop.IsCancellationRequested)
        {
            await MeasureAsync(phase => phase.FreshConnections, async cancellationToken =>
            {
                // A factory of its own: a new HTTP handler, so a new TCP connection and TLS handshake.
                using var factory = PartnerChannelFactory.ForClient(certificates, Parties.Csp, NullLoggerFactory.Instance);
                var sites = new SiteService.SiteServiceClient(factory.Get(pair.CsoUrl, Parties.Cso));
                var answer = await sites.GetSiteAsync(new GetSiteRequest { SiteId = siteId }, deadline: DateTime.UtcNow.Add(CallTimeout), cancellationToken: cancellationToken).ConfigureAwait(false);
                return answer.Site.SiteId == siteId ? null : $"GetSite on a new connection answered site '{answer.Site.SiteId}'";
            }, stop).ConfigureAwait(false);
            try
            {
                await Task.Delay(options.FreshConnectionInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task MeasureAsync(Func<Phase, Latencies> flow, Func<CancellationToken, Task<string?>> call, CancellationToken stop)
    {
        var latencies = flow(Volatile.Read(ref _phase));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var wrong = await call(stop).ConfigureAwait(false);
            if (wrong is null)
            {
                latencies.Answered(Stopwatch.GetElapsedTime(started));
            }
            else
            {
                latencies.Failed(wrong);
            }
        }
        catch (RpcException ex) when (stop.IsCancellationRequested && ex.StatusCode == StatusCode.Cancelled)
        {
            // The run stopped the call: not an answer of the endpoint.
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (RpcException ex)
        {
            latencies.Failed($"{ex.StatusCode}: {ex.Status.Detail}");
        }
    }
}
