using System.Collections.Concurrent;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Platform;

namespace RoamingGrpc.Endpoint.Tests.Features.Sites;

/// <summary>UC1-2 pull side: the CSO's back office publishes sites, a registered CSP lists and reads them.</summary>
public sealed class SitePullTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UpsertSite_ThenGetAndList_CspSeesTheCanonicalSite()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var (backoffice, partner) = Clients(endpoints);
        var sent = TestSites.Create("S1");
        sent.Evses[0].EvseId = "de*abc*es1*1"; // any case, canonical on output

        var stored = (await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "u1", Site = sent }, deadline: Soon())).Site;
        var got = (await partner.GetSiteAsync(new GetSiteRequest { SiteId = "S1" }, deadline: Soon())).Site;
        var listed = await partner.ListSitesAsync(new ListSitesRequest(), deadline: Soon());

        Assert.Equal(1UL, stored.Version);
        Assert.Equal("DE*ABC", stored.OperatorId);
        Assert.Equal("DE*ABC*ES1*1", stored.Evses[0].EvseId);
        Assert.Equal(stored, got);
        Assert.Equal([stored], listed.Sites);
        Assert.Empty(listed.NextPageToken);
        Assert.NotNull(listed.SyncTime);
    }

    [Fact]
    public async Task UpsertSite_SameContentTwiceThenChanged_VersionOnlyGrowsOnChange()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var (backoffice, _) = Clients(endpoints);

        var first = (await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "a", Site = TestSites.Create("S1") }, deadline: Soon())).Site;
        var same = (await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "b", Site = TestSites.Create("S1") }, deadline: Soon())).Site;
        var renamed = TestSites.Create("S1");
        renamed.Name = "Renamed";
        var changed = (await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "c", Site = renamed }, deadline: Soon())).Site;

        Assert.Equal(first, same);
        Assert.Equal(2UL, changed.Version);
        Assert.Equal("Renamed", changed.Name);
    }

    [Fact]
    public async Task RemoveSite_ThenReadAndDelta_NotFoundAndTombstoneInDeltaOnly()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var (backoffice, partner) = Clients(endpoints);
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "a", Site = TestSites.Create("S1") }, deadline: Soon());
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "b", Site = TestSites.Create("S2") }, deadline: Soon());
        var firstSync = (await partner.ListSitesAsync(new ListSitesRequest(), deadline: Soon())).SyncTime;

        var tombstone = (await backoffice.RemoveSiteAsync(new RemoveSiteRequest { RequestId = "r", SiteId = "S1" }, deadline: Soon())).Site;
        var again = (await backoffice.RemoveSiteAsync(new RemoveSiteRequest { RequestId = "r2", SiteId = "S1" }, deadline: Soon())).Site;
        var get = await Assert.ThrowsAsync<RpcException>(async () => await partner.GetSiteAsync(new GetSiteRequest { SiteId = "S1" }, deadline: Soon()));
        var full = await partner.ListSitesAsync(new ListSitesRequest(), deadline: Soon());
        var delta = await partner.ListSitesAsync(new ListSitesRequest { UpdatedSince = firstSync }, deadline: Soon());

        Assert.True(tombstone.Removed);
        Assert.Equal(2UL, tombstone.Version);
        Assert.Empty(tombstone.Evses);
        Assert.Equal(tombstone, again);
        Assert.Equal(StatusCode.NotFound, get.StatusCode);
        Assert.Equal("UNKNOWN_SITE", HandshakeTests.ReasonOf(get));
        Assert.Equal(["S2"], full.Sites.Select(site => site.SiteId));
        // sync_time stays a safety margin behind "now", so the delta may repeat the recent S2; S1 is only its tombstone.
        Assert.Contains(("S1", true), delta.Sites.Select(site => (site.SiteId, site.Removed)));
        Assert.DoesNotContain(("S1", false), delta.Sites.Select(site => (site.SiteId, site.Removed)));

        // The EVSE ids of a removed site are free for another site.
        var moved = TestSites.Create("S3", evses: 0);
        moved.Evses.Add(TestSites.Create("S1").Evses[0]);
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "m", Site = moved }, deadline: Soon());
    }

    [Fact]
    public async Task ListSites_PagedWhileSitesChange_EverySiteExactlyOnce()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var (backoffice, partner) = Clients(endpoints);
        const int count = 250;
        for (var i = 0; i < count; i++)
        {
            await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = $"create-{i}", Site = TestSites.Create($"S{i:D3}", evses: 1) }, deadline: Soon());
        }

        using var stop = new CancellationTokenSource();
        var updates = Task.Run(async () =>
        {
            for (var round = 0; !stop.IsCancellationRequested; round++)
            {
                var site = TestSites.Create($"S{round * 7 % count:D3}", evses: 1);
                site.Name = $"Update {round}";
                await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = $"update-{round}", Site = site }, deadline: Soon());
            }
        });

        var seen = new List<string>();
        var token = string.Empty;
        var pages = 0;
        do
        {
            var page = await partner.ListSitesAsync(new ListSitesRequest { PageSize = 17, PageToken = token }, deadline: Soon());
            seen.AddRange(page.Sites.Select(site => site.SiteId));
            token = page.NextPageToken;
            pages++;
        }
        while (token.Length > 0);
        await stop.CancelAsync();
        await updates;

        Assert.Equal(count, seen.Count);
        Assert.Equal(count, seen.Distinct().Count());
        Assert.Equal((count + 16) / 17, pages);
    }

    [Fact]
    public async Task Upsert_BadInput_ExactStatusAndReasonAndNothingWritten()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var (backoffice, partner) = Clients(endpoints);
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "good", Site = TestSites.Create("S1") }, deadline: Soon());
        var before = await partner.ListSitesAsync(new ListSitesRequest(), deadline: Soon());

        var malformedEvse = TestSites.Create("S2");
        malformedEvse.Evses[1].EvseId = "DE*ABC*X12";
        var foreignEvse = TestSites.Create("S2", operatorEvsePrefix: "DE*XYZ");
        var unspecified = TestSites.Create("S2");
        unspecified.Evses[0].Connectors[0].Standard = ConnectorStandard.Unspecified;
        var stolenEvse = TestSites.Create("S2", evses: 0);
        stolenEvse.Evses.Add(TestSites.Create("S1").Evses[0]);
        var otherOperator = TestSites.Create("S2");
        otherOperator.OperatorId = "DE*XYZ";
        var cases = new (Site Site, StatusCode Code, string Reason, string? Field)[]
        {
            (malformedEvse, StatusCode.InvalidArgument, "INVALID_IDENTIFIER", "site.evses[1].evse_id"),
            (foreignEvse, StatusCode.InvalidArgument, "INVALID_IDENTIFIER", "site.evses[0].evse_id"),
            (unspecified, StatusCode.InvalidArgument, "MISSING_FIELD", "site.evses[0].connectors[0].standard"),
            (stolenEvse, StatusCode.AlreadyExists, "INVALID_FIELD", null),
            (otherOperator, StatusCode.PermissionDenied, "PARTY_MISMATCH", null),
        };

        foreach (var (site, code, reason, field) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site }, deadline: Soon()));
            Assert.Equal(code, error.StatusCode);
            Assert.Equal(reason, HandshakeTests.ReasonOf(error));
            if (field is not null)
            {
                Assert.Equal(field, error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Single().Field);
            }
        }

        Assert.Equal(before.Sites, (await partner.ListSitesAsync(new ListSitesRequest(), deadline: Soon())).Sites);
    }

    [Fact]
    public async Task ListAndGet_BadQueries_ExactStatusAndReason()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var (backoffice, partner) = Clients(endpoints);
        for (var i = 0; i < 3; i++)
        {
            await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = $"s{i}", Site = TestSites.Create($"S{i}") }, deadline: Soon());
        }

        var firstPage = await partner.ListSitesAsync(new ListSitesRequest { PageSize = 1 }, deadline: Soon());
        var errors = new ConcurrentBag<(string What, RpcException Error)>();
        async Task Expect(string what, Func<Task> call) => errors.Add((what, await Assert.ThrowsAsync<RpcException>(call)));
        await Expect("oversize", async () => await partner.ListSitesAsync(new ListSitesRequest { PageSize = 5000 }, deadline: Soon()));
        await Expect("forged", async () => await partner.ListSitesAsync(new ListSitesRequest { PageToken = "not-a-token" }, deadline: Soon()));
        await Expect("changed", async () => await partner.ListSitesAsync(new ListSitesRequest { PageToken = firstPage.NextPageToken, CountryCode = "FR" }, deadline: Soon()));
        await Expect("country", async () => await partner.ListSitesAsync(new ListSitesRequest { CountryCode = "XX" }, deadline: Soon()));
        await Expect("unknown", async () => await partner.GetSiteAsync(new GetSiteRequest { SiteId = "nope" }, deadline: Soon()));
        await Expect("missing", async () => await partner.GetSiteAsync(new GetSiteRequest(), deadline: Soon()));

        var byWhat = errors.ToDictionary(entry => entry.What, entry => (entry.Error.StatusCode, HandshakeTests.ReasonOf(entry.Error)));
        Assert.Equal((StatusCode.InvalidArgument, "PAGE_SIZE_TOO_LARGE"), byWhat["oversize"]);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN"), byWhat["forged"]);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN"), byWhat["changed"]);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_IDENTIFIER"), byWhat["country"]);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SITE"), byWhat["unknown"]);
        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD"), byWhat["missing"]);
    }

    private static DateTime Soon() => DateTime.UtcNow.Add(Deadline);

    private static (CsoBackofficeService.CsoBackofficeServiceClient Backoffice, SiteService.SiteServiceClient Partner) Clients(TwoEndpoints endpoints)
    {
        var backofficeIdentity = PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC");
        var backofficeCertificates = endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC");
        return (
            new CsoBackofficeService.CsoBackofficeServiceClient(endpoints.Channel(backofficeCertificates, backofficeIdentity, endpoints.Cso)),
            new SiteService.SiteServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso)));
    }
}
