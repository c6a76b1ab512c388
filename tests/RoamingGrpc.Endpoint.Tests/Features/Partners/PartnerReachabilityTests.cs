using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoamingGrpc.Cli;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Tests.Features.Platform;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using ReachabilityState = RoamingGrpc.Contracts.V1.ReachabilityState;

namespace RoamingGrpc.Endpoint.Tests.Features.Partners;

/// <summary>
/// Issue 13, hole 6: a partner this endpoint cannot reach is not retried forever unseen. Its failures, last attempt
/// and last error show in ListPartners and <c>roaming partner list</c>, the partners health service turns unhealthy
/// naming it, and once its calls have failed for Handshake:UnreachableAfter (here: three failures) automatic
/// handshakes and pushes stop until a handshake succeeds again.
/// </summary>
public sealed class PartnerReachabilityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Unreachable after three failures in a row (the minimum), then probed only once an hour: within a test, not at all.
    private static readonly Dictionary<string, string?> GiveUpQuickly = new()
    {
        ["Roaming:Handshake:UnreachableAfter"] = "00:00:00.001",
        ["Roaming:Handshake:UnreachableProbeInterval"] = "01:00:00",
    };

    [Fact]
    public async Task Handshake_StatedUrlAllowedButUnreachable_ListedUnreachableWithLastErrorAndUnhealthy_UntilThePartnerHandshakesAgain()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var port = TwoEndpoints.FreePort();
        var csp = await endpoints.StartCspAsync(extra: GiveUpQuickly);
        var stated = $"https://127.0.0.1:{port}"; // a host the CSO's certificate names, where nothing listens yet
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, csp));
        await client.HandshakeAsync(HandshakeTests.HandshakeFrom(TwoEndpoints.CsoIdentity, new Uri(stated), "unreachable-1"), deadline: Soon());

        var tracker = csp.Services.GetRequiredService<ReachabilityTracker>();
        await TwoEndpoints.WaitUntilAsync(() => tracker.IsUnreachable(TwoEndpoints.CsoIdentity), Deadline, "the CSP marked the CSO unreachable");

        var partner = Assert.Single((await ListPartnersAsync(endpoints, csp)).Partners);
        Assert.Equal(stated, partner.EndpointUrl);
        Assert.Equal(ReachabilityState.Unreachable, partner.Reachability.State);
        Assert.True(partner.Reachability.ConsecutiveFailures >= 3, $"{partner.Reachability.ConsecutiveFailures} failures");
        Assert.Equal("UNAVAILABLE", partner.Reachability.LastErrorCode);
        Assert.NotEmpty(partner.Reachability.LastErrorMessage);
        Assert.NotNull(partner.Reachability.FailingSinceTime);
        Assert.Null(partner.Reachability.LastSuccessTime);
        // Automatic calls stopped: the next one is the probe, an hour after the last attempt.
        Assert.True(
            partner.Reachability.NextAttemptTime.ToDateTimeOffset() >= partner.Reachability.LastAttemptTime.ToDateTimeOffset() + TimeSpan.FromMinutes(59),
            $"next attempt {partner.Reachability.NextAttemptTime} after last attempt {partner.Reachability.LastAttemptTime}");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await PartnersHealthAsync(endpoints, csp));
        var description = await PartnersHealthDescriptionAsync(csp);
        Assert.Contains($"cso:DE*ABC unreachable at {stated}", description, StringComparison.Ordinal);
        Assert.Contains("UNAVAILABLE", description, StringComparison.Ordinal);

        var listed = await PartnerListCommandAsync(endpoints, csp);
        Assert.Contains($"cso:DE*ABC  Registered  {stated}  in: ", listed, StringComparison.Ordinal);
        Assert.Contains("UNREACHABLE: ", listed, StringComparison.Ordinal);
        Assert.Contains("failure(s) in a row", listed, StringComparison.Ordinal);
        Assert.Contains("next probe", listed, StringComparison.Ordinal);
        Assert.Contains(": UNAVAILABLE ", listed, StringComparison.Ordinal);

        // The CSO comes up there and handshakes: the CSP calls it back at once, although its probe is an hour away.
        await endpoints.StartCsoAsync(csp.Url, extra: new Dictionary<string, string?> { ["Roaming:Listen"] = $"127.0.0.1:{port}" });
        await TwoEndpoints.WaitUntilAsync(
            () => tracker.Of(TwoEndpoints.CsoIdentity) is { IsFailing: false, LastSuccessTime: not null },
            Deadline,
            "the CSP reached the CSO again");

        var recovered = Assert.Single((await ListPartnersAsync(endpoints, csp)).Partners);
        Assert.Equal(ReachabilityState.Reachable, recovered.Reachability.State);
        Assert.Equal(0, recovered.Reachability.ConsecutiveFailures);
        Assert.Empty(recovered.Reachability.LastErrorCode);
        Assert.NotNull(recovered.Reachability.LastSuccessTime);
        Assert.NotNull(recovered.OutboundHandshakeTime);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await PartnersHealthAsync(endpoints, csp));
        Assert.Contains("reachable (last success ", await PartnerListCommandAsync(endpoints, csp), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_PartnerDown_MarkedUnreachablePushesKeptAndStopped_DeliveredOnceItHandshakesAgain()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var firstCsp = await endpoints.StartCspAsync();
        var port = firstCsp.Url.Port;
        var cso = await endpoints.StartCsoAsync(firstCsp.Url, extra: GiveUpQuickly);
        var tracker = cso.Services.GetRequiredService<ReachabilityTracker>();
        var csoHandshaker = cso.Services.GetRequiredService<PartnerHandshaker>();
        await TwoEndpoints.WaitUntilAsync(
            () => cso.Services.GetRequiredService<PartnerDirectory>().Find(TwoEndpoints.CspIdentity) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null }
                && csoHandshaker.IsIdle,
            Deadline,
            "the CSO and the CSP registered with each other");
        await firstCsp.DisposeAsync();
        Assert.Empty(firstCsp.Log.Errors);

        var sites = new CsoBackofficeService.CsoBackofficeServiceClient(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"), PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"), cso));
        await sites.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "site-1", Site = TestSites.Create("S1") }, deadline: Soon());
        await TwoEndpoints.WaitUntilAsync(() => tracker.IsUnreachable(TwoEndpoints.CspIdentity), Deadline, "the CSO marked the CSP unreachable");

        var partner = Assert.Single((await ListPartnersAsync(endpoints, cso)).Partners);
        Assert.Equal(ReachabilityState.Unreachable, partner.Reachability.State);
        Assert.Equal("UNAVAILABLE", partner.Reachability.LastErrorCode);
        Assert.NotNull(partner.Reachability.LastSuccessTime); // the start-up handshake
        Assert.Contains(cso.Log.Lines, line => line.Contains("Partner csp:DE-8EO is unreachable", StringComparison.Ordinal));
        Assert.False(await cso.Services.GetRequiredService<OutboxRelay>().IsDrainedAsync(CancellationToken.None));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await PartnersHealthAsync(endpoints, cso));

        // The CSP comes back and, as every endpoint does at start, handshakes with the CSO: the pushes go out.
        await endpoints.StartCspAsync($"127.0.0.1:{port}");
        await TwoEndpoints.WaitUntilAsync(
            () => cso.Services.GetRequiredService<OutboxRelay>().IsDrainedAsync(CancellationToken.None).GetAwaiter().GetResult(),
            Deadline,
            "the CSO's outbox drained");

        var recovered = Assert.Single((await ListPartnersAsync(endpoints, cso)).Partners);
        Assert.Equal(ReachabilityState.Reachable, recovered.Reachability.State);
        Assert.Equal(0, recovered.Reachability.ConsecutiveFailures);
        Assert.Contains(cso.Log.Lines, line => line.Contains("Partner csp:DE-8EO is reachable again", StringComparison.Ordinal));
    }

    private static DateTime Soon() => DateTime.UtcNow.Add(Deadline);

    private static string Backoffice(TwoEndpoints endpoints, RunningEndpoint endpoint)
    {
        var name = $"{endpoint.Identity.Role.ToName()}-backoffice";
        var directory = Path.Combine(endpoints.Pki.Root, name);
        return Directory.Exists(directory) ? directory : endpoints.Pki.Issue(name, PartyRole.Backoffice, endpoint.Identity.PartyId);
    }

    private static async Task<ListPartnersResponse> ListPartnersAsync(TwoEndpoints endpoints, RunningEndpoint endpoint)
    {
        var client = new PartnerBackofficeService.PartnerBackofficeServiceClient(endpoints.Channel(
            Backoffice(endpoints, endpoint), PartyIdentity.Create(PartyRole.Backoffice, endpoint.Identity.PartyId), endpoint));
        return await client.ListPartnersAsync(new ListPartnersRequest(), deadline: Soon());
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> PartnersHealthAsync(TwoEndpoints endpoints, RunningEndpoint endpoint)
    {
        var health = new Health.HealthClient(endpoints.Channel(
            Backoffice(endpoints, endpoint), PartyIdentity.Create(PartyRole.Backoffice, endpoint.Identity.PartyId), endpoint));
        return (await health.CheckAsync(new HealthCheckRequest { Service = PartnerHealthCheck.ServiceName }, deadline: Soon())).Status;
    }

    private static async Task<string> PartnersHealthDescriptionAsync(RunningEndpoint endpoint)
    {
        var report = await endpoint.Services.GetRequiredService<HealthCheckService>()
            .CheckHealthAsync(registration => registration.Tags.Contains(PartnerHealthCheck.Tag));
        return report.Entries["partners"].Description ?? string.Empty;
    }

    /// <summary><c>roaming partner list</c> through the real command line, against <paramref name="endpoint"/>.</summary>
    private static async Task<string> PartnerListCommandAsync(TwoEndpoints endpoints, RunningEndpoint endpoint)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await RoamingCommandLine.Create()
            .Parse(["partner", "list", "--endpoint", endpoint.Url.ToString(), "--cert", Backoffice(endpoints, endpoint)])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr });
        Assert.True(code == 0, $"roaming partner list exited {code}: {stderr}");
        return stdout.ToString();
    }
}
