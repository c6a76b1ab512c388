using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Reservations;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>
/// Annex A.2 navigation end to end: the CSP finds an available, compatible EVSE near a point from its synchronized
/// data, reserves it (UC3-8), starts on the reservation (UC3-2), charges, stops, and receives the SDR.
/// </summary>
public sealed class AnnexA2NavigationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A2_FindReserveChargeStop_SdrBillsReservationTimeAndEnergyAsComputedByHand()
    {
        await using var setup = await ReservationNetwork.StartAsync(output, ReservationNetwork.TariffId);
        var network = setup.Network;
        await AnnexAScenarioTests.IssueAsync(network, new Token { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456", Valid = true, Whitelist = WhitelistType.Allowed });
        await SynchronizedAsync(network);

        // 1. Find: available CCS EVSEs within 1 km that can be reserved, with the price for this CSP.
        var found = await network.CspBackoffice.FindEvsesAsync(
            new FindEvsesRequest
            {
                Near = new GeoLocation { Latitude = 52.5251, Longitude = 13.3694 },
                RadiusMeters = 5_000,
                AvailableOnly = true,
                ConnectorStandards = { ConnectorStandard.Iec62196T2Combo },
                EnergyKwh = 22,
            },
            deadline: ChargingNetwork.Soon());
        var offer = found.Offers.First(candidate => candidate.Capabilities.Contains(EvseCapability.Reservable));

        // 2. Reserve it for 20 minutes (reservation clock at T0); the station holds it.
        var reserved = await setup.ReserveAsync(ReservationNetwork.Create("a2-reserve", offer.EvseId, setup.T0.AddMinutes(20)));

        // 3. Charge on the reservation: started at T0 + 10 min, 22 kWh by + 70 min, stopped at + 100 min.
        var t0 = setup.T0.AddMinutes(10);
        var started = await network.CspBackoffice.RequestRemoteStartAsync(
            new RequestRemoteStartRequest { RequestId = "a2-start", Token = new TokenRef { Uid = "app-user-1", Type = TokenType.AppUser }, EvseId = offer.EvseId, ReservationId = reserved.Reservation.ReservationId },
            deadline: ChargingNetwork.Soon());
        var start = await network.NextCommandAsync(command => command.CommandId == started.CommandId);
        await network.EventAsync(start.SessionId, SessionEventType.Started, t0, 0, start.CommandId);
        await network.MeterAsync(start.SessionId, t0.AddMinutes(60), 22, 22);
        await network.EventAsync(start.SessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), 22);
        var stopped = await network.CspBackoffice.RequestRemoteStopAsync(
            new RequestRemoteStopRequest { RequestId = "a2-stop", OperatorId = started.OperatorId, SessionId = start.SessionId },
            deadline: ChargingNetwork.Soon());
        var stop = await network.NextCommandAsync(command => command.CommandId == stopped.CommandId);
        await network.EventAsync(start.SessionId, SessionEventType.Stopped, t0.AddMinutes(90), 22, stop.CommandId, StopReason.Remote);
        var sdr = (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];
        var reservation = await setup.GetAsync(reserved.Reservation.ReservationId);

        // The offer: 22 kWh x 0.40 + 1.00 flat = 9.80 excl. VAT, 11.66 incl. (19 %: 1.862 -> 1.86).
        Assert.Equal((ReservationNetwork.TariffId, "9.80", "11.66"), (offer.TariffId, offer.EstimatedCost.TotalCostExclVat.Amount, offer.EstimatedCost.TotalCostInclVat.Amount));
        Assert.Equal(EvseStatus.Available, offer.Status);
        Assert.Equal(reserved.Reservation.ReservationId, started.Session.ReservationId);
        Assert.Equal(ReservationState.Used, reservation.State);
        // SDR: 10 min reserved x 1.20 EUR/h = 0.20; 22 kWh x 0.40 = 8.80; flat 1.00 -> 10.00 excl.; 19 % = 1.90; 11.90 incl.
        Assert.Equal(("10.00", "11.90"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal("0.20", sdr.Totals.TotalReservationCostExclVat.Amount);
        Assert.Equal((offer.EvseId, start.SessionId), (sdr.Location.EvseId, sdr.SessionId));
    }

    // The CSP holds the reservable site, its tariff and the EVSE statuses (pushed and streamed).
    private static async Task SynchronizedAsync(ChargingNetwork network)
    {
        await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Site.Name, Site.Parser, sites => sites.Any(site => site.SiteId == ReservationNetwork.SiteId));
        await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Tariff.Name, Tariff.Parser, tariffs => tariffs.Any(tariff => tariff.TariffId == ReservationNetwork.TariffId));
        var statuses = network.Endpoints.Csp.Services.GetRequiredService<IPartnerStatusStore>();
        await TwoEndpoints.WaitUntilAsync(
            () => statuses.ListAsync("DE*ABC", CancellationToken.None).GetAwaiter().GetResult().Statuses.Any(status => status.EvseId == ReservationNetwork.EvseId && status.Status == (long)EvseStatus.Available),
            ChargingNetwork.Deadline,
            "the CSP streamed the reservable EVSE's status");
    }
}
