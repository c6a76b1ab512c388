using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Platform;
using RoamingGrpc.Storage.PartnerData;

namespace RoamingGrpc.Endpoint.Tests.Features.Sites;

/// <summary>UC1-2 push side: site changes reach every CSP partner through the durable outbox, exactly once in effect.</summary>
public sealed class SitePushTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UpsertAndRemove_CspReceivesIdenticalSitesAndTombstone()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var stored = new List<Site>();
        for (var i = 0; i < 3; i++)
        {
            stored.Add((await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = $"s{i}", Site = TestSites.Create($"S{i}") }, deadline: Soon())).Site);
        }

        var tombstone = (await backoffice.RemoveSiteAsync(new RemoveSiteRequest { RequestId = "r", SiteId = "S1" }, deadline: Soon())).Site;
        var expected = new[] { stored[0], tombstone, stored[2] };

        var received = await WaitForSitesAsync(endpoints.Csp, expected.Length, sites => sites.Select(site => site.Version).SequenceEqual(expected.Select(site => site.Version)));

        Assert.Equal(expected, received);
        Assert.True(await endpoints.Cso.Services.GetRequiredService<OutboxRelay>().IsDrainedAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Push_CspDownWhileSitesChange_DeliveredOnceWhenItComesBack()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var port = TwoEndpoints.FreePort();
        var cso = await endpoints.StartCsoAsync(new Uri($"https://127.0.0.1:{port}"));
        var backoffice = Backoffice(endpoints);
        for (var i = 0; i < 5; i++)
        {
            await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = $"s{i}", Site = TestSites.Create($"S{i}") }, deadline: Soon());
        }

        var renamed = TestSites.Create("S0");
        renamed.Name = "Renamed while the CSP was down";
        var latest = (await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "rename", Site = renamed }, deadline: Soon())).Site;
        Assert.False(await cso.Services.GetRequiredService<OutboxRelay>().IsDrainedAsync(CancellationToken.None));

        await endpoints.StartCspAsync($"127.0.0.1:{port}");
        var received = await WaitForSitesAsync(endpoints.Csp, 5, sites => sites[0].Version == 2);
        await TwoEndpoints.WaitUntilAsync(
            () => cso.Services.GetRequiredService<OutboxRelay>().IsDrainedAsync(CancellationToken.None).GetAwaiter().GetResult(),
            Deadline,
            "the CSO's outbox drained");

        Assert.Equal(latest, received[0]);
        Assert.Equal(["S0", "S1", "S2", "S3", "S4"], received.Select(site => site.SiteId));
        Assert.All(received.Skip(1), site => Assert.Equal(1UL, site.Version));
    }

    [Fact]
    public async Task PushSiteUpdates_RetriedOlderForeignAndOversize_EachAnsweredAsTheContractSays()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var client = new CsoUpdateService.CsoUpdateServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));
        var v2 = Versioned(TestSites.Create("S1"), 2);
        var v1 = Versioned(TestSites.Create("S1"), 1);
        var foreign = Versioned(TestSites.Create("S9", operatorEvsePrefix: "DE*XYZ"), 1);
        foreign.OperatorId = "DE*XYZ";

        var first = await client.PushSiteUpdatesAsync(Push("b1", ("d-v2", v2)), deadline: Soon());
        var second = await client.PushSiteUpdatesAsync(Push("b2", ("d-v2", v2), ("d-v1", v1), ("d-foreign", foreign)), deadline: Soon());
        var refusedAgain = await client.PushSiteUpdatesAsync(Push("b4", ("d-foreign", foreign)), deadline: Soon());
        var oversize = await Assert.ThrowsAsync<RpcException>(async () => await client.PushSiteUpdatesAsync(
            Push("b3", [.. Enumerable.Range(0, 501).Select(i => ($"d{i}", v2))]), deadline: Soon()));

        Assert.Equal([DeliveryOutcome.Applied], first.Results.Select(result => result.Outcome));
        Assert.Equal([DeliveryOutcome.Duplicate, DeliveryOutcome.Superseded, DeliveryOutcome.Rejected], second.Results.Select(result => result.Outcome));
        Assert.Equal(ErrorReason.PartyMismatch, second.Results[2].ErrorReason);
        Assert.Equal(DeliveryOutcome.Rejected, refusedAgain.Results.Single().Outcome);
        Assert.Equal(ErrorReason.PartyMismatch, refusedAgain.Results.Single().ErrorReason);
        Assert.Equal(StatusCode.InvalidArgument, oversize.StatusCode);
        Assert.Equal("BATCH_TOO_LARGE", HandshakeTests.ReasonOf(oversize));
        var held = await endpoints.Csp.Services.GetRequiredService<IReceivedRecords>().ListAsync("DE*ABC", PushKinds.Site.Name, CancellationToken.None);
        Assert.Equal([("S1", 2L)], held.Select(site => (site.RecordId, site.Version)));
        Assert.Empty(await endpoints.Csp.Services.GetRequiredService<IReceivedRecords>().ListAsync("DE*XYZ", PushKinds.Site.Name, CancellationToken.None));
    }

    private static Site Versioned(Site site, ulong version)
    {
        site.OperatorId = "DE*ABC";
        site.Version = version;
        site.UpdateTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        return site;
    }

    private static PushSiteUpdatesRequest Push(string requestId, params (string DeliveryId, Site Site)[] entries)
    {
        var request = new PushSiteUpdatesRequest { RequestId = requestId };
        request.Updates.AddRange(entries.Select(entry => new SiteUpdate
        {
            Delivery = new Delivery { DeliveryId = entry.DeliveryId, EntityVersion = entry.Site.Version },
            Site = entry.Site,
        }));
        return request;
    }

    private static async Task<List<Site>> WaitForSitesAsync(RunningEndpoint csp, int count, Func<List<Site>, bool> done)
    {
        var repository = csp.Services.GetRequiredService<IReceivedRecords>();
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var sites = (await repository.ListAsync("DE*ABC", PushKinds.Site.Name, CancellationToken.None)).Select(row => Site.Parser.ParseFrom(row.Payload)).ToList();
            if (sites.Count == count && done(sites))
            {
                return sites;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The CSP holds {sites.Count} site(s), expected {count} in their final versions.");
            }

            await Task.Delay(50);
        }
    }

    private static DateTime Soon() => DateTime.UtcNow.Add(Deadline);

    private static CsoBackofficeService.CsoBackofficeServiceClient Backoffice(TwoEndpoints endpoints) =>
        new(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"),
            PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"),
            endpoints.Cso));
}
