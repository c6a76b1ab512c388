using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.PartnerData;

namespace RoamingGrpc.Endpoint.Tests.Hosting;

/// <summary>Graceful shutdown: what waits in the outbox gets a last chance to reach a partner that is back.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StopAsync_PushWaitingInBackoffAndPartnerBack_FlushedBeforeTheEndpointStops()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        // A failed push waits two minutes before the relay tries again.
        await endpoints.StartCsoAsync(endpoints.Csp.Url, new Dictionary<string, string?> { ["Roaming:Handshake:InitialBackoff"] = "00:02:00", ["Roaming:Handshake:MaxBackoff"] = "00:05:00" });
        var csoDirectory = endpoints.Cso.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => csoDirectory.IsRegistered(TwoEndpoints.CspIdentity), ChargingNetwork.Deadline, "the CSP registered with the CSO");
        var port = endpoints.Csp.Url.Port;
        await endpoints.Csp.DisposeAsync();
        var errors = endpoints.Csp.Log.Errors.ToList();

        var backoffice = new CsoBackofficeService.CsoBackofficeServiceClient(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"), PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"), endpoints.Cso));
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "s", Site = TestSites.Create("S1") }, deadline: ChargingNetwork.Soon());
        await TwoEndpoints.WaitUntilAsync(
            () => endpoints.Cso.Log.Lines.Any(line => line.Contains("Push to csp:DE-8EO failed", StringComparison.Ordinal)),
            ChargingNetwork.Deadline,
            "the CSO's push failed and is backing off");

        // The CSP comes back on its port but cannot reach the CSO (wrong URL for it): nothing wakes the CSO's relay
        // before its backoff ends, so only the shutdown flush can deliver the site.
        await using var csp = await RunningEndpoint.StartAsync(
            output,
            TwoEndpoints.CspIdentity,
            endpoints.CspCertificates,
            Path.Combine(endpoints.Root, "csp.db"),
            [(TwoEndpoints.CsoIdentity, new Uri("https://127.0.0.1:1"))],
            new Dictionary<string, string?> { ["Roaming:Listen"] = $"127.0.0.1:{port}", ["Roaming:RevocationFile"] = endpoints.RevocationFile });
        await endpoints.Cso.DisposeAsync();
        var received = await csp.Services.GetRequiredService<IReceivedRecords>().ListAsync("DE*ABC", PushKinds.Site.Name, CancellationToken.None);

        Assert.Equal(["S1"], received.Select(record => record.RecordId));
        Assert.Empty(errors);
    }
}
