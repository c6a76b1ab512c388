using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Tests.Features.Charging;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Platform;
using RoamingGrpc.Storage.PartnerData;

namespace RoamingGrpc.Endpoint.Tests.Features.Tariffs;

/// <summary>UC2-1 / UC2-2 between a CSO and two CSPs: general tariffs reach both, a CSP-specific one only its CSP.</summary>
public sealed class TariffTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly PartyIdentity OtherCsp = PartyIdentity.Create(PartyRole.Csp, "FR-ZZZ");

    [Fact]
    public async Task Tariffs_GeneralAndSpecific_EachCspReceivesAndPullsOnlyItsOwnAndGeneral()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        var otherCertificates = endpoints.Pki.Issue("other-csp", PartyRole.Csp, OtherCsp.PartyId);
        await using var other = await RunningEndpoint.StartAsync(
            output, OtherCsp, otherCertificates, Path.Combine(endpoints.Root, "other.db"), [(TwoEndpoints.CsoIdentity, null)]);
        await endpoints.StartCsoAsync(endpoints.Csp.Url, morePartners: [(OtherCsp, other.Url)]);
        var csoDirectory = endpoints.Cso.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(
            () => csoDirectory.IsRegistered(TwoEndpoints.CspIdentity) && csoDirectory.IsRegistered(OtherCsp),
            Deadline,
            "both CSPs registered with the CSO");
        var backoffice = Backoffice(endpoints);

        await backoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "g", Tariff = TestTariffs.Create("T-GEN") }, deadline: Soon());
        await backoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "a", Tariff = TestTariffs.Create("T-8EO", target: "DE-8EO") }, deadline: Soon());
        await backoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "b", Tariff = TestTariffs.Create("T-ZZZ", target: "fr-zzz") }, deadline: Soon());
        await backoffice.RemoveTariffAsync(new RemoveTariffRequest { RequestId = "r", TariffId = "T-8EO" }, deadline: Soon());

        var mine = await ReceivedAsync(endpoints.Csp, 2);
        var theirs = await ReceivedAsync(other, 2);
        var pulled = await new TariffService.TariffServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso))
            .ListTariffsAsync(new ListTariffsRequest(), deadline: Soon());
        var foreign = await Assert.ThrowsAsync<RpcException>(async () =>
            await new TariffService.TariffServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso))
                .GetTariffAsync(new GetTariffRequest { TariffId = "T-ZZZ" }, deadline: Soon()));

        Assert.Equal([("T-8EO", true), ("T-GEN", false)], mine.Select(tariff => (tariff.TariffId, tariff.Removed)));
        Assert.Equal([("T-GEN", false), ("T-ZZZ", false)], theirs.Select(tariff => (tariff.TariffId, tariff.Removed)));
        Assert.Equal("FR-ZZZ", theirs[1].TargetProviderId);
        Assert.Equal(["T-GEN"], pulled.Tariffs.Select(tariff => tariff.TariffId));
        Assert.Equal(StatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("UNKNOWN_TARIFF", HandshakeTests.ReasonOf(foreign));
    }

    [Fact]
    public async Task ListTariffs_FullListingAndDelta_ByIdAndByChangeOrderNotUpdateTime()
    {
        // The CSO's clock is fake, so that update times are chosen (see Charging.ListingOrderTests); one tariff per page.
        var clock = new FakeTimeProvider(ListingOrderTests.WholeSecond(DateTimeOffset.UtcNow));
        await using var network = await ChargingNetwork.StartAsync(output, csoServices: services => services.AddSingleton<TimeProvider>(clock));
        var tariffs = new TariffService.TariffServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso));
        clock.Advance(TimeSpan.FromSeconds(1));
        await network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "z", Tariff = TestTariffs.Create("T-Z") }, deadline: Soon());
        // T-B is published last: by update time it would come last.
        clock.Advance(TimeSpan.FromSeconds(1));
        await network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "b", Tariff = TestTariffs.Create("T-B") }, deadline: Soon());
        var full = await TariffsAsync(tariffs, updatedSince: null);

        // Both change at one instant, T-Z first: by (update_time, tariff_id) it would come last.
        clock.Advance(TimeSpan.FromSeconds(1));
        var since = clock.GetUtcNow();
        var cheaper = TestTariffs.Create("T-Z");
        cheaper.Elements[0].PriceComponents[0].Price.Amount = "0.29";
        await network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "z2", Tariff = cheaper }, deadline: Soon());
        await network.Station.RemoveTariffAsync(new RemoveTariffRequest { RequestId = "rb", TariffId = "T-B" }, deadline: Soon());
        var delta = await TariffsAsync(tariffs, since);

        Assert.Equal([(ChargingNetwork.TariffId, false), ("T-B", false), ("T-Z", false)], full.Select(tariff => (tariff.TariffId, tariff.Removed)));
        Assert.Equal([("T-Z", false, 2UL), ("T-B", true, 2UL)], delta.Select(tariff => (tariff.TariffId, tariff.Removed, tariff.Version)));
    }

    [Fact]
    public async Task TariffWithoutStartTime_SessionStartedBeforeItWasPublished_PricedByIt()
    {
        // tariffs.proto: no start_time is no lower bound. The connectors list T-SOON (valid from a minute after the
        // session started) before T-LATE (no start_time, published hours after the session started).
        await using var network = await ChargingNetwork.StartAsync(output);
        var t0 = ChargingNetwork.SessionStart();
        var soon = TestTariffs.Create("T-SOON");
        soon.StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(t0.AddMinutes(1));
        await network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "soon", Tariff = soon }, deadline: Soon());
        var late = (await network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "late", Tariff = TestTariffs.Create("T-LATE") }, deadline: Soon())).Tariff;
        var site = TestSites.Create(ChargingNetwork.SiteId);
        foreach (var connector in site.Evses.SelectMany(evse => evse.Connectors))
        {
            connector.TariffIds.Add(["T-SOON", "T-LATE"]);
        }

        await network.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "site-2", Site = site }, deadline: Soon());

        var started = await network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "start", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "u1", Type = TokenType.AppUser } },
            deadline: Soon());
        await network.EventAsync(started.Session.SessionId, SessionEventType.Started, t0, 0, started.CommandId);
        await network.MeterAsync(started.Session.SessionId, t0.AddMinutes(20), 5, 22);
        await network.EventAsync(started.Session.SessionId, SessionEventType.Stopped, t0.AddMinutes(30), 5, stopReason: StopReason.EvDisconnected);
        var sdr = (await network.Sdrs.ListSdrsAsync(new ListSdrsRequest(), deadline: Soon())).Sdrs.Single();
        var estimates = new TariffService.TariffServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso));
        EstimateCostRequest Estimate(DateTimeOffset start) => new()
        {
            EvseId = ChargingNetwork.EvseId,
            StartTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(start),
            EnergyKwh = 5,
            ChargingDuration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(20)),
        };
        var atSessionStart = await estimates.EstimateCostAsync(Estimate(t0), deadline: Soon());
        var afterSoonStarts = await estimates.EstimateCostAsync(Estimate(t0.AddMinutes(2)), deadline: Soon());

        Assert.True(late.UpdateTime.ToDateTimeOffset() > t0.AddHours(2), "T-LATE was published long after the session started");
        Assert.Equal(["T-LATE"], sdr.Tariffs.Select(tariff => tariff.TariffId));
        Assert.Equal(["T-LATE"], atSessionStart.TariffIds);
        Assert.Equal(["T-SOON"], afterSoonStarts.TariffIds);
    }

    [Fact]
    public async Task UpsertTariff_BadInput_ExactStatusAndNothingWritten()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var partner = new TariffService.TariffServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        await backoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "good", Tariff = TestTariffs.Create("T1") }, deadline: Soon());

        var unspecified = TestTariffs.Create("T2");
        unspecified.Elements[0].PriceComponents[0].Type = TariffDimensionType.Unspecified;
        var wrongCurrency = TestTariffs.Create("T2");
        wrongCurrency.Elements[0].PriceComponents[0].Price.CurrencyCode = "USD";
        var badRange = TestTariffs.Create("T2");
        badRange.Elements[0].Restrictions = new TariffRestrictions { MinKwh = 50, MaxKwh = 10 };
        var tooPrecise = TestTariffs.Create("T2");
        tooPrecise.Elements[0].PriceComponents[0].Price.Amount = "0.3900001";
        var minAboveMax = TestTariffs.Create("T2");
        minAboveMax.MinPrice = new Money { CurrencyCode = "EUR", Amount = "5.00" };
        minAboveMax.MaxPrice = new Money { CurrencyCode = "EUR", Amount = "4.99" };
        var retargeted = TestTariffs.Create("T1", target: "DE-8EO");
        var cases = new (Tariff Tariff, StatusCode Code, string Reason)[]
        {
            (unspecified, StatusCode.InvalidArgument, "MISSING_FIELD"),
            (wrongCurrency, StatusCode.InvalidArgument, "INVALID_FIELD"),
            (badRange, StatusCode.InvalidArgument, "INVALID_FIELD"),
            (tooPrecise, StatusCode.InvalidArgument, "INVALID_FIELD"),
            (minAboveMax, StatusCode.InvalidArgument, "INVALID_FIELD"),
            (retargeted, StatusCode.FailedPrecondition, "WRONG_STATE"),
        };
        foreach (var (tariff, code, reason) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await backoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = Guid.NewGuid().ToString(), Tariff = tariff }, deadline: Soon()));
            Assert.Equal(code, error.StatusCode);
            Assert.Equal(reason, HandshakeTests.ReasonOf(error));
        }

        var listed = await partner.ListTariffsAsync(new ListTariffsRequest(), deadline: Soon());
        Assert.Equal([("T1", 1UL, string.Empty)], listed.Tariffs.Select(tariff => (tariff.TariffId, tariff.Version, tariff.TargetProviderId)));
    }

    private static async Task<List<Tariff>> ReceivedAsync(RunningEndpoint csp, int count)
    {
        var records = csp.Services.GetRequiredService<IReceivedRecords>();
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var tariffs = (await records.ListAsync("DE*ABC", PushKinds.Tariff.Name, CancellationToken.None)).Select(row => Tariff.Parser.ParseFrom(row.Payload)).ToList();
            if ((tariffs.Count == count && tariffs.All(tariff => tariff.TariffId != "T-8EO" || tariff.Removed)) || DateTime.UtcNow > deadline)
            {
                return tariffs;
            }

            await Task.Delay(50);
        }
    }

    private static DateTime Soon() => DateTime.UtcNow.Add(Deadline);

    private static Task<List<Tariff>> TariffsAsync(TariffService.TariffServiceClient tariffs, DateTimeOffset? updatedSince) =>
        ListingOrderTests.AllPagesAsync(async token =>
        {
            var request = new ListTariffsRequest { PageSize = 1, PageToken = token };
            if (updatedSince is { } since)
            {
                request.UpdatedSince = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(since);
            }

            var response = await tariffs.ListTariffsAsync(request, deadline: Soon());
            return (response.Tariffs.AsEnumerable(), response.NextPageToken);
        });

    private static CsoBackofficeService.CsoBackofficeServiceClient Backoffice(TwoEndpoints endpoints) =>
        new(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"),
            PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"),
            endpoints.Cso));
}
