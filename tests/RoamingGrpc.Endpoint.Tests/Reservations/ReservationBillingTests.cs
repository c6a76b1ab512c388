using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Reservations;

/// <summary>
/// UC3-8 expiry and billing: the CSO's reservation clock is moved past the expiry (no waiting), the CSO expires the
/// reservation on its own, frees the EVSE and informs the CSP by durable push; where the tariff prices reservations
/// the expired one is billed by an SDR of service kind RESERVATION, and a used one's time is billed in the charging
/// session's SDR. Totals computed by hand from <see cref="ReservationKit.ReservationTariff"/>.
/// </summary>
public sealed class ReservationBillingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ReservationExpiry_ClockMovedPastExpiry_ExpiredEvseFreeCspInformedAndSdrOfKindReservation()
    {
        await using var kit = await ReservationKit.StartAsync(output, ReservationKit.TariffId);
        var reserved = await kit.ReserveAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20)));
        var reservationId = reserved.Reservation.ReservationId;
        var held = await kit.GetAsync(reservationId);
        var sweep = kit.Rig.Endpoints.Cso.Services.GetRequiredService<ReservationExpiry>();

        kit.Clock.Advance(TimeSpan.FromMinutes(19));
        var expiredEarly = await sweep.ExpireDueAsync(CancellationToken.None);
        var beforeExpiry = await kit.GetAsync(reservationId);
        kit.Clock.Advance(TimeSpan.FromMinutes(1));
        var pushed = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Expired }]);
        var sdr = (await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];
        var session = (await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Completed }]))[0];
        var otherStarts = await kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "after", EvseId = ReservationKit.EvseId, Token = ReservationKit.OtherUser }, deadline: ChargingRig.Soon());

        Assert.Equal(ReservationState.Active, held.State);
        Assert.NotEmpty(held.SessionId); // the tariff bills reservations: the reservation has its RESERVED session
        Assert.Equal((0, ReservationState.Active), (expiredEarly, beforeExpiry.State));
        Assert.Equal((3UL, held.SessionId), (pushed[0].Version, pushed[0].SessionId));
        Assert.Equal(EvseStatus.Available, await kit.StatusAsync(ReservationKit.EvseId));
        Assert.Equal((held.SessionId, ServiceKind.Reservation, StopReason.Timeout), (session.SessionId, session.ServiceKind, session.StopReason));
        Assert.Equal((ServiceKind.Reservation, held.SessionId, SdrStatus.New), (sdr.ServiceKind, sdr.SessionId, sdr.Status));
        Assert.Equal((kit.T0, kit.T0.AddMinutes(20)), (sdr.StartTime.ToDateTimeOffset(), sdr.EndTime.ToDateTimeOffset()));
        Assert.Equal([ReservationKit.TariffId], sdr.Tariffs.Select(tariff => tariff.TariffId));
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
        await using var kit = await ReservationKit.StartAsync(output);
        var reserved = await kit.ReserveAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(5)));

        kit.Clock.Advance(TimeSpan.FromMinutes(6));
        var pushed = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Expired }]);
        var sdrs = await kit.Rig.Sdrs.ListSdrsAsync(new ListSdrsRequest(), deadline: ChargingRig.Soon());
        var sessions = await kit.Rig.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingRig.Soon());

        Assert.Equal((reserved.Reservation.ReservationId, string.Empty), (pushed[0].ReservationId, pushed[0].SessionId));
        Assert.Empty(sdrs.Sdrs);
        Assert.Empty(sessions.Sessions);
        Assert.Equal(EvseStatus.Available, await kit.StatusAsync(ReservationKit.EvseId));
    }

    [Fact]
    public async Task StartSession_OnBilledReservation_ReservedSessionContinuesAndSdrIncludesReservationTime()
    {
        await using var kit = await ReservationKit.StartAsync(output, ReservationKit.TariffId);
        var reserved = await kit.ReserveAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(30)));
        var reservationId = reserved.Reservation.ReservationId;
        var held = await kit.GetAsync(reservationId);
        var reservedSession = (await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Reserved }]))[0];
        kit.Clock.Advance(TimeSpan.FromMinutes(10));

        var started = await kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "start", EvseId = ReservationKit.EvseId, Token = ReservationKit.AppUser, ReservationId = reservationId }, deadline: ChargingRig.Soon());
        var command = await kit.Rig.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);
        await kit.Rig.EventAsync(held.SessionId, SessionEventType.Started, kit.T0.AddMinutes(10), 0, command.CommandId);
        await kit.Rig.MeterAsync(held.SessionId, kit.T0.AddMinutes(40), 10, 20);
        await kit.Rig.EventAsync(held.SessionId, SessionEventType.Stopped, kit.T0.AddMinutes(70), 10, stopReason: StopReason.EvDisconnected);
        var sdr = (await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];
        kit.Clock.Advance(TimeSpan.FromMinutes(30));
        var expiredLater = await kit.Rig.Endpoints.Cso.Services.GetRequiredService<ReservationExpiry>().ExpireDueAsync(CancellationToken.None);

        Assert.Equal((SessionState.Reserved, ServiceKind.Reservation, reservationId), (reservedSession.State, reservedSession.ServiceKind, reservedSession.ReservationId));
        Assert.Equal((held.SessionId, SessionState.Pending, ServiceKind.Energy, reservationId), (started.Session.SessionId, started.Session.State, started.Session.ServiceKind, started.Session.ReservationId));
        Assert.Equal((held.SessionId, ServiceKind.Energy, kit.T0.AddMinutes(10)), (sdr.SessionId, sdr.ServiceKind, sdr.StartTime.ToDateTimeOffset()));
        // Reservation 10 min x 1.20/h = 0.20 (RESERVATION element; the RESERVATION_EXPIRES fee does not apply to a used
        // reservation); 10 kWh x 0.40 = 4.00; session fee 1.00: 5.20 excl. VAT; 19 % = 0.988 -> 0.99; 6.19 incl.
        Assert.Equal(("5.20", "6.19"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal(("0.20", "4.00", "1.00"), (sdr.Totals.TotalReservationCostExclVat.Amount, sdr.Totals.TotalEnergyCostExclVat.Amount, sdr.Totals.TotalFixedCostExclVat.Amount));
        Assert.Equal(kit.T0, sdr.ChargingPeriods[0].StartTime.ToDateTimeOffset());
        Assert.Equal(10.0 / 60, sdr.ChargingPeriods[0].Dimensions.Single(dimension => dimension.Type == ChargingDimensionType.ReservationTime).Volume, 9);
        Assert.Equal(0, expiredLater); // a used reservation does not expire
    }
}
