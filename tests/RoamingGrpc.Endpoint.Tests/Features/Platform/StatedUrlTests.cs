using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using PartnerStatus = RoamingGrpc.Domain.Parties.PartnerStatus;

namespace RoamingGrpc.Endpoint.Tests.Features.Platform;

/// <summary>
/// UC1-1: the endpoint URL a partner states in its handshake is where this endpoint will call it, so it is checked
/// (issue 13, hole 6): a configured URL wins; otherwise the stated host must be one the partner's certificate names, or
/// match the partner's AllowedUrls. A refused URL is answered PERMISSION_DENIED / ENDPOINT_URL_NOT_ALLOWED, never
/// recorded and never called.
/// </summary>
public sealed class StatedUrlTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("https://10.0.0.1:9")]
    [InlineData("https://evil.example:443")]
    [InlineData("https://localhost.evil.example")]
    public async Task Handshake_UnconfiguredPartnerStatesHostItsCertificateDoesNotName_PermissionDeniedNothingRecordedNothingCalled(string stated)
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        // The CSP knows its CSO partner without a URL; the CSO's certificate names localhost and 127.0.0.1.
        var csp = await endpoints.StartCspAsync();
        var partnersBefore = DatabaseSnapshot.Partners(csp.Database);
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, csp));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CsoIdentity, new Uri(stated), "stated-1"), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("ENDPOINT_URL_NOT_ALLOWED", HandshakeTests.ReasonOf(error));
        Assert.Contains("caller.endpoint_url", error.Status.Detail, StringComparison.Ordinal);
        await AssertNeverCalledAsync(csp, stated);
        Assert.Equal(PartnerStatus.Configured, csp.Services.GetRequiredService<PartnerDirectory>().Find(TwoEndpoints.CsoIdentity)!.Status);
        Assert.Equal(partnersBefore, DatabaseSnapshot.Partners(csp.Database));
    }

    [Fact]
    public async Task Handshake_StatedUrlOnAnotherLoopbackAddressWithAListener_RefusedAndNoConnectionArrives()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var csp = await endpoints.StartCspAsync();
        // Something listens at the stated address (as an internal service would): it must never see a connection.
        using var listener = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        listener.Start();
        var stated = $"https://127.0.0.2:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, csp));

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CsoIdentity, new Uri(stated), "stated-2"), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("ENDPOINT_URL_NOT_ALLOWED", HandshakeTests.ReasonOf(error));
        await AssertNeverCalledAsync(csp, stated);
        Assert.False(listener.Pending(), "the endpoint connected to the refused URL");
    }

    [Fact]
    public async Task Handshake_ConfiguredPartnerStatesAnotherUrl_SucceedsAnsweringAndKeepingTheConfiguredUrl()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var configured = endpoints.Csp.Url.ToString().TrimEnd('/');
        // On a host the CSP's certificate names, so only the configured URL's precedence refuses it.
        var stated = $"https://localhost:{TwoEndpoints.FreePort()}";
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));

        var response = await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, new Uri(stated), "moved-1"), deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal(configured, response.Registration.EndpointUrl);
        var handshaker = endpoints.Cso.Services.GetRequiredService<PartnerHandshaker>();
        await TwoEndpoints.WaitUntilAsync(() => handshaker.IsIdle, Deadline, "the CSO's handshaker is idle");
        Assert.Equal(configured, endpoints.Cso.Services.GetRequiredService<PartnerDirectory>().Find(TwoEndpoints.CspIdentity)!.EndpointUrl);
        Assert.Contains($"csp|DE-8EO|{configured}|registered", DatabaseSnapshot.Partners(endpoints.Cso.Database), StringComparison.Ordinal);
        Assert.DoesNotContain(endpoints.Cso.Log.Lines, line => line.Contains(stated, StringComparison.Ordinal) && !line.Contains("is used instead", StringComparison.Ordinal));
        Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains($"stated the endpoint URL {stated}; its configured URL {configured} is used instead", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunHandshake_PartnerAnswersWithAnotherUrl_TheUrlCalledIsKept()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var csp = await endpoints.StartCspAsync(); // describes itself at its listen address, https://127.0.0.1:port
        var configured = $"https://localhost:{csp.Url.Port}";
        var cso = await endpoints.StartCsoAsync(new Uri(configured));
        var directory = cso.Services.GetRequiredService<PartnerDirectory>();
        var handshaker = cso.Services.GetRequiredService<PartnerHandshaker>();
        await TwoEndpoints.WaitUntilAsync(
            () => directory.Find(TwoEndpoints.CspIdentity) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null } && handshaker.IsIdle,
            Deadline,
            "the CSO and the CSP registered with each other");
        var backoffice = new PartnerBackofficeService.PartnerBackofficeServiceClient(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", Domain.Parties.PartyRole.Backoffice, "DE*ABC"),
            Domain.Parties.PartyIdentity.Create(Domain.Parties.PartyRole.Backoffice, "DE*ABC"),
            cso));

        var result = Assert.Single((await backoffice.RunHandshakeAsync(
            new RunHandshakeRequest { RequestId = Guid.NewGuid().ToString(), PartyId = "DE-8EO" }, deadline: DateTime.UtcNow.Add(Deadline))).Results);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(csp.Url.ToString().TrimEnd('/'), (await new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, csp))
            .GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline))).Platform.EndpointUrl);
        Assert.Equal(configured, result.Partner.EndpointUrl);
        Assert.Equal(configured, directory.Find(TwoEndpoints.CspIdentity)!.EndpointUrl);
        Assert.Contains($"csp|DE-8EO|{configured}|registered", DatabaseSnapshot.Partners(cso.Database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_PartnerWithAllowedUrls_OnlyMatchingUrlsRecordedEvenOnHostsItsCertificateNames()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var csp = await endpoints.StartCspAsync(extra: new Dictionary<string, string?>
        {
            ["Roaming:Partners:0:AllowedUrls:0"] = "https://*.roaming.example",
            ["Roaming:Partners:0:AllowedUrls:1"] = "https://127.0.0.1:7443",
        });
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, csp));

        // The certificate names localhost, but the operator's patterns replace that default.
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CsoIdentity, new Uri("https://localhost:7443"), "allowed-1"), deadline: DateTime.UtcNow.Add(Deadline)));
        var otherPort = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CsoIdentity, new Uri("https://127.0.0.1:7444"), "allowed-2"), deadline: DateTime.UtcNow.Add(Deadline)));
        Assert.Equal("ENDPOINT_URL_NOT_ALLOWED", HandshakeTests.ReasonOf(refused));
        Assert.Equal("ENDPOINT_URL_NOT_ALLOWED", HandshakeTests.ReasonOf(otherPort));
        Assert.Null(csp.Services.GetRequiredService<PartnerDirectory>().Find(TwoEndpoints.CsoIdentity)!.EndpointUrl);

        var accepted = await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CsoIdentity, new Uri("https://node-1.roaming.example:7443"), "allowed-3"), deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal("https://node-1.roaming.example:7443", accepted.Registration.EndpointUrl);
        Assert.Equal("https://node-1.roaming.example:7443", csp.Services.GetRequiredService<PartnerDirectory>().Find(TwoEndpoints.CsoIdentity)!.EndpointUrl);
    }

    [Fact]
    public async Task Start_StoredUrlNoLongerMatchingAllowedUrls_ForgottenAndNotCalled()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var csp = await endpoints.StartCspAsync();
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, csp));
        var stated = $"https://127.0.0.1:{TwoEndpoints.FreePort()}";
        await client.HandshakeAsync(HandshakeTests.HandshakeFrom(TwoEndpoints.CsoIdentity, new Uri(stated), "stored-1"), deadline: DateTime.UtcNow.Add(Deadline));
        Assert.Contains($"cso|DE*ABC|{stated}|registered", DatabaseSnapshot.Partners(csp.Database), StringComparison.Ordinal);
        await csp.DisposeAsync();

        // The operator narrows what the CSO may state; the URL it stated before no longer passes.
        var restarted = await endpoints.StartCspAsync(extra: new Dictionary<string, string?> { ["Roaming:Partners:0:AllowedUrls:0"] = "https://roaming.abc.example" });

        Assert.Null(restarted.Services.GetRequiredService<PartnerDirectory>().Find(TwoEndpoints.CsoIdentity)!.EndpointUrl);
        Assert.Contains("cso|DE*ABC||registered", DatabaseSnapshot.Partners(restarted.Database), StringComparison.Ordinal);
        Assert.Contains(restarted.Log.Lines, line => line.Contains($"Forgot the endpoint URL {stated} of partner cso:DE*ABC", StringComparison.Ordinal));
        await AssertNeverCalledAsync(restarted, stated);
    }

    /// <summary>Nothing recorded <paramref name="url"/> for the CSO, and no handshake or call to the CSO was attempted.</summary>
    private static async Task AssertNeverCalledAsync(RunningEndpoint csp, string url)
    {
        var handshaker = csp.Services.GetRequiredService<PartnerHandshaker>();
        // A handshake is queued before the refused call returns, so an idle handshaker has attempted whatever it was asked.
        await TwoEndpoints.WaitUntilAsync(() => handshaker.IsIdle, Deadline, "the CSP's handshaker is idle");
        var partner = csp.Services.GetRequiredService<PartnerDirectory>().Find(TwoEndpoints.CsoIdentity);
        Assert.NotNull(partner);
        Assert.Null(partner.EndpointUrl);
        Assert.DoesNotContain(url, DatabaseSnapshot.Partners(csp.Database), StringComparison.Ordinal);
        Assert.Null(csp.Services.GetRequiredService<ReachabilityTracker>().Of(TwoEndpoints.CsoIdentity).LastAttemptTime);
        string[] attempts = ["Registered with partner", "not reachable", "refused the handshake", "Cannot register with partner"];
        Assert.DoesNotContain(csp.Log.Lines, line => line.Contains("cso:DE*ABC", StringComparison.Ordinal)
            && attempts.Any(attempt => line.Contains(attempt, StringComparison.OrdinalIgnoreCase)));
        Assert.DoesNotContain(csp.Log.Lines, line => line.Contains("Status stream from cso:DE*ABC", StringComparison.Ordinal));
    }
}
