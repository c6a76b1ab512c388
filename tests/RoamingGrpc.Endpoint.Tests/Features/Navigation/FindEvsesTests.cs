using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Tests.Features.Navigation;

/// <summary>Annex A.2 on the CSP: EVSEs near a point from the synchronized sites, live status and tariffs, with the price for this CSP.</summary>
public sealed class FindEvsesTests(ITestOutputHelper output)
{
    private static readonly GeoLocation AlexanderPlatz = new() { Latitude = 52.521918, Longitude = 13.413215 };

    [Fact]
    public async Task FindEvses_NearSite_OffersWithLiveStatusAndPriceForThisCsp()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await network.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest { RequestId = "busy", Statuses = { new EvseStatusEvent { EvseId = ChargingNetwork.SecondEvseId, Status = EvseStatus.Charging, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) } } },
            deadline: ChargingNetwork.Soon());
        await SynchronizedAsync(network);

        var all = await network.CspBackoffice.FindEvsesAsync(new FindEvsesRequest { Near = AlexanderPlatz, RadiusMeters = 2_000 }, deadline: ChargingNetwork.Soon());
        var available = await network.CspBackoffice.FindEvsesAsync(new FindEvsesRequest { Near = AlexanderPlatz, RadiusMeters = 2_000, AvailableOnly = true, MinPowerKw = 50 }, deadline: ChargingNetwork.Soon());
        var chademo = await network.CspBackoffice.FindEvsesAsync(new FindEvsesRequest { Near = AlexanderPlatz, ConnectorStandards = { ConnectorStandard.Chademo } }, deadline: ChargingNetwork.Soon());
        var tooClose = await network.CspBackoffice.FindEvsesAsync(new FindEvsesRequest { Near = AlexanderPlatz, RadiusMeters = 300 }, deadline: ChargingNetwork.Soon());
        var tooStrong = await network.CspBackoffice.FindEvsesAsync(new FindEvsesRequest { Near = AlexanderPlatz, MinPowerKw = 350 }, deadline: ChargingNetwork.Soon());
        var bad = await Assert.ThrowsAsync<RpcException>(async () => await network.CspBackoffice.FindEvsesAsync(new FindEvsesRequest { Near = new GeoLocation { Latitude = 91 } }, deadline: ChargingNetwork.Soon()));

        Assert.Equal([(ChargingNetwork.EvseId, EvseStatus.Available), (ChargingNetwork.SecondEvseId, EvseStatus.Charging)], all.Offers.Select(offer => (offer.EvseId, offer.Status)));
        // Alexanderplatz to the site (52.520008, 13.404954): about 600 m.
        Assert.InRange(all.Offers[0].DistanceMeters, 550, 650);
        // 20 kWh x 0.40 = 8.00 + flat 1.00 = 9.00 excl. VAT; 19 % = 1.71; 10.71 incl. (no parking in the assumed session).
        Assert.Equal((ChargingNetwork.TariffId, "9.00", "10.71"), (all.Offers[0].TariffId, all.Offers[0].EstimatedCost.TotalCostExclVat.Amount, all.Offers[0].EstimatedCost.TotalCostInclVat.Amount));
        Assert.Equal(("DE*ABC", ChargingNetwork.SiteId), (all.Offers[0].OperatorId, all.Offers[0].SiteId));
        Assert.Equal([ChargingNetwork.EvseId], available.Offers.Select(offer => offer.EvseId));
        Assert.Empty(chademo.Offers);
        Assert.Empty(tooClose.Offers);
        Assert.Empty(tooStrong.Offers);
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    // The CSP holds the site, the tariff and both statuses (pushed and streamed).
    private static async Task SynchronizedAsync(ChargingNetwork network)
    {
        await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Site.Name, Site.Parser, sites => sites.Count == 1);
        await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Tariff.Name, Tariff.Parser, tariffs => tariffs.Count == 1);
        var statuses = network.Endpoints.Csp.Services.GetRequiredService<IPartnerStatusStore>();
        await TwoEndpoints.WaitUntilAsync(
            () => statuses.ListAsync("DE*ABC", CancellationToken.None).GetAwaiter().GetResult().Statuses.Any(status => status.EvseId == ChargingNetwork.SecondEvseId && status.Status == (long)EvseStatus.Charging),
            ChargingNetwork.Deadline,
            "the CSP streamed the CHARGING status");
    }
}
