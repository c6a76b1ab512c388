using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Reservations;

/// <summary>
/// UC3-8 expiry and billing: the CSO's reservation clock is moved past the expiry (no waiting), the CSO expires the
/// reservation on its own, frees the EVSE and informs the CSP by durable push; where the tariff prices reservations
/// the expired one is billed by an SDR of service kind RESERVATION, and a used one's time is billed in the charging
/// session's SDR. Totals computed by hand from <see cref="ReservationNetwork.ReservationTariff"/>.
/// </summary>
public sealed class ReservationBillingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ReservationExpiry_ClockMovedPastExpiry_ExpiredEvseFreeCspInformedAndSdrOfKindReservation()
    {
        await using var setup = await ReservationNetwork.StartAsync(output, ReservationNetwork.TariffId);
        var reserved = await setup.ReserveAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)));
        var reservationId = reserved.Reservation.ReservationId;
        var held = await setup.GetAsync(reservationId);
        var sweep = setup.Network.Endpoints.Cso.Services.GetRequiredService<ReservationExpiry>();

        setup.Clock.Advance(TimeSpan.FromMinutes(19));
        var expiredEarly = await sweep.ExpireDueAsync(CancellationToken.None);
        var beforeExpiry = await setup.GetAsync(reservationId);
        setup.Clock.Advance(TimeSpan.FromMinutes(1));
        var pushed = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Expired }]);
        var sdr = (await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];
        var session = (await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Completed }]))[0];
        var otherStarts = await setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "after", EvseId = ReservationNetwork.EvseId, Token = ReservationNetwork.OtherUser }, deadline: ChargingNetwork.Soon());

        Assert.Equal(ReservationState.Active, held.State);
        Assert.NotEmpty(held.SessionId); // the tariff bills reservations: the reservation has its RESERVED session
        Assert.Equal((0, ReservationState.Active), (expiredEarly, beforeExpiry.State));
        Assert.Equal((3UL, held.SessionId), (pushed[0].Version, pushed[0].SessionId));
        Assert.Equal(EvseStatus.Available, await setup.StatusAsync(ReservationNetwork.EvseId));
        Assert.Equal((held.SessionId, ServiceKind.Reservation, StopReason.Timeout), (session.SessionId, session.ServiceKind, session.StopReason));
        Assert.Equal((ServiceKind.Reservation, held.SessionId, SdrStatus.New), (sdr.ServiceKind, sdr.SessionId, sdr.Status));
        Assert.Equal((setup.T0, setup.T0.AddMinutes(20)), (sdr.StartTime.ToDateTimeOffset(), sdr.EndTime.ToDateTimeOffset()));
        Assert.Equal([ReservationNetwork.TariffId], sdr.Tariffs.Select(tariff => tariff.TariffId));
        // Expired after 20 min: reservation fee 2.00 + 1/3 h x 3.00 = 1.00 -> 3.00 excl. VAT; 19 % = 0.57; 3.57 incl.
        Assert.Equal(("3.00", "3.57", "3.00"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount, sdr.Totals.TotalReservationCostExclVat.Amount));
        Assert.Null(sdr.Totals.TotalFixedCostExclVat); // the reservation fee is reservation cost, not a session fee
        Assert.Equal(0, sdr.Totals.TotalEnergyKwh);
        Assert.Equal(20.0 / 60, sdr.ChargingPeriods.Single().Dimensions.Single(dimension => dimension.Type == ChargingDimensionType.ReservationTime).Volume, 9);
        Assert.Equal(("3.57", SessionState.Pending), (session.CostInclVat.Amount, otherStarts.Session.State));
    }

    [Fact]
    public async Task ReservationExpiry_TariffWithoutReservationPrices_ExpiredWithoutSessionOrSdr()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var reserved = await setup.ReserveAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(5)));

        setup.Clock.Advance(TimeSpan.FromMinutes(6));
        var pushed = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Expired }]);
        var sdrs = await setup.Network.Sdrs.ListSdrsAsync(new ListSdrsRequest(), deadline: ChargingNetwork.Soon());
        var sessions = await setup.Network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal((reserved.Reservation.ReservationId, string.Empty), (pushed[0].ReservationId, pushed[0].SessionId));
        Assert.Empty(sdrs.Sdrs);
        Assert.Empty(sessions.Sessions);
        Assert.Equal(EvseStatus.Available, await setup.StatusAsync(ReservationNetwork.EvseId));
    }

    [Fact]
    public async Task StartSession_OnBilledReservation_ReservedSessionContinuesAndSdrIncludesReservationTime()
    {
        await using var setup = await ReservationNetwork.StartAsync(output, ReservationNetwork.TariffId);
        var reserved = await setup.ReserveAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(30)));
        var reservationId = reserved.Reservation.ReservationId;
        var held = await setup.GetAsync(reservationId);
        var reservedSession = (await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Reserved }]))[0];
        setup.Clock.Advance(TimeSpan.FromMinutes(10));

        var started = await setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "start", EvseId = ReservationNetwork.EvseId, Token = ReservationNetwork.AppUser, ReservationId = reservationId }, deadline: ChargingNetwork.Soon());
        var command = await setup.Network.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);
        await setup.Network.EventAsync(held.SessionId, SessionEventType.Started, setup.T0.AddMinutes(10), 0, command.CommandId);
        await setup.Network.MeterAsync(held.SessionId, setup.T0.AddMinutes(40), 10, 20);
        await setup.Network.EventAsync(held.SessionId, SessionEventType.Stopped, setup.T0.AddMinutes(70), 10, stopReason: StopReason.EvDisconnected);
        var sdr = (await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];
        setup.Clock.Advance(TimeSpan.FromMinutes(30));
        var expiredLater = await setup.Network.Endpoints.Cso.Services.GetRequiredService<ReservationExpiry>().ExpireDueAsync(CancellationToken.None);

        Assert.Equal((SessionState.Reserved, ServiceKind.Reservation, reservationId), (reservedSession.State, reservedSession.ServiceKind, reservedSession.ReservationId));
        Assert.Equal((held.SessionId, SessionState.Pending, ServiceKind.Energy, reservationId), (started.Session.SessionId, started.Session.State, started.Session.ServiceKind, started.Session.ReservationId));
        Assert.Equal((held.SessionId, ServiceKind.Energy, setup.T0.AddMinutes(10)), (sdr.SessionId, sdr.ServiceKind, sdr.StartTime.ToDateTimeOffset()));
        // Reservation 10 min x 1.20/h = 0.20 (RESERVATION element; the RESERVATION_EXPIRES fee does not apply to a used
        // reservation); 10 kWh x 0.40 = 4.00; session fee 1.00: 5.20 excl. VAT; 19 % = 0.988 -> 0.99; 6.19 incl.
        Assert.Equal(("5.20", "6.19"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal(("0.20", "4.00", "1.00"), (sdr.Totals.TotalReservationCostExclVat.Amount, sdr.Totals.TotalEnergyCostExclVat.Amount, sdr.Totals.TotalFixedCostExclVat.Amount));
        Assert.Equal(setup.T0, sdr.ChargingPeriods[0].StartTime.ToDateTimeOffset());
        Assert.Equal(10.0 / 60, sdr.ChargingPeriods[0].Dimensions.Single(dimension => dimension.Type == ChargingDimensionType.ReservationTime).Volume, 9);
        Assert.Equal(0, expiredLater); // a used reservation does not expire
    }
}
