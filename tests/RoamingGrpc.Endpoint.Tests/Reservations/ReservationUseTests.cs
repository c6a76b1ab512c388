using Grpc.Core;
using RoamingGrpc.Cli.Simulator;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Charging;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Reservations;

/// <summary>
/// UC3-8 at the EVSE: a reserved EVSE refuses every other token, remote or local, and lets the reserving token start
/// (the reservation is then USED and the session names it); a canceled reservation frees the EVSE; the simulator's
/// station executes reservation commands.
/// </summary>
public sealed class ReservationUseTests(ITestOutputHelper output)
{
    private static readonly Token Card = new() { Uid = "04A2B3C4D5E6F7", Type = TokenType.Rfid, ContractId = "DE-8EO-CRFID0001", Valid = true, Whitelist = WhitelistType.AllowedOffline };
    private static readonly Token OtherCard = new() { Uid = "04A2B3C4D5E6F8", Type = TokenType.Rfid, ContractId = "DE-8EO-CRFID0002", Valid = true, Whitelist = WhitelistType.AllowedOffline };

    [Fact]
    public async Task StartSession_ReservedEvse_OtherTokensRefusedAndReservingTokenStartsOnIt()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var reserved = await kit.ReserveAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20)));
        var reservationId = reserved.Reservation.ReservationId;

        var otherCsp = await ReservationKit.Refused(kit.Rig.OtherCharging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other-csp", EvseId = ReservationKit.EvseId, Token = new TokenRef { Uid = "zzz-user", Type = TokenType.AppUser } }, deadline: ChargingRig.Soon()));
        var otherToken = await ReservationKit.Refused(kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other-token", EvseId = ReservationKit.EvseId, Token = ReservationKit.OtherUser }, deadline: ChargingRig.Soon()));
        var otherTokenNamingIt = await ReservationKit.Refused(kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other-named", EvseId = ReservationKit.EvseId, Token = ReservationKit.OtherUser, ReservationId = reservationId }, deadline: ChargingRig.Soon()));
        var elsewhere = await ReservationKit.Refused(kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "elsewhere", EvseId = ReservationKit.SecondEvseId, Token = ReservationKit.AppUser, ReservationId = reservationId }, deadline: ChargingRig.Soon()));
        var unknown = await ReservationKit.Refused(kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "unknown", EvseId = ReservationKit.EvseId, Token = ReservationKit.AppUser, ReservationId = "no-such-reservation" }, deadline: ChargingRig.Soon()));
        var statusWhileReserved = await kit.StatusAsync(ReservationKit.EvseId);
        var started = await kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "start", EvseId = ReservationKit.EvseId, Token = ReservationKit.AppUser, ReservationId = reservationId }, deadline: ChargingRig.Soon());
        var command = await kit.Rig.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);
        var used = await kit.GetAsync(reservationId);
        var pushed = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Used }]);
        var usedAgain = await ReservationKit.Refused(kit.Rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "again", EvseId = ReservationKit.SecondEvseId, Token = ReservationKit.AppUser, ReservationId = reservationId }, deadline: ChargingRig.Soon()));
        var cancelUsed = await ReservationKit.Refused(kit.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = reservationId }, deadline: ChargingRig.Soon()));

        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), otherCsp);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), otherToken);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), otherTokenNamingIt);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), elsewhere);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), unknown);
        Assert.Equal(EvseStatus.Reserved, statusWhileReserved);
        Assert.Equal((SessionState.Pending, reservationId, ReservationKit.EvseId), (started.Session.State, started.Session.ReservationId, started.Session.EvseId));
        Assert.Equal((CommandType.StartSession, reservationId), (command.CommandType, command.ReservationId));
        Assert.Equal((ReservationState.Used, started.Session.SessionId), (used.State, used.SessionId));
        Assert.Equal(used, pushed[0]);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), usedAgain);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), cancelUsed);
        Assert.Equal(EvseStatus.Available, await kit.StatusAsync(ReservationKit.EvseId)); // the station reports CHARGING when the EV plugs in
    }

    [Fact]
    public async Task PresentToken_ReservedEvse_OtherCardRefusedAndReservingCardStartsOnIt()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(kit.Rig, Card);
        await AnnexAScenarioTests.IssueAsync(kit.Rig, OtherCard);
        var reserved = await kit.ReserveAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20), new TokenRef { Uid = "04:a2:b3:c4:d5:e6:f7", Type = TokenType.Rfid }));

        var other = await ReservationKit.Refused(PresentAsync(kit, "other", OtherCard.Uid));
        var presented = await PresentAsync(kit, "reserving", Card.Uid);
        var used = await kit.GetAsync(reserved.Reservation.ReservationId);

        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), other);
        Assert.Equal((AuthorizationStatus.Allowed, SessionState.Pending), (presented.Status, presented.Session.State));
        Assert.Equal((reserved.Reservation.ReservationId, Card.Uid), (presented.Session.ReservationId, presented.Session.Token.Uid));
        Assert.Equal((ReservationState.Used, presented.Session.SessionId), (used.State, used.SessionId));
    }

    [Fact]
    public async Task CancelReservation_ActiveReservation_EvseFreeForOthersAndRepeatedCancelSucceeds()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var reserved = await kit.ReserveAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20)));
        var reservationId = reserved.Reservation.ReservationId;

        var canceled = await kit.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = reservationId }, deadline: ChargingRig.Soon());
        var command = await kit.AnswerAsync(canceled.CommandId, CommandResultType.Accepted);
        var statusAfter = await kit.StatusAsync(ReservationKit.EvseId);
        var again = await kit.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel-again", ReservationId = reservationId }, deadline: ChargingRig.Soon());
        var pushed = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Canceled }]);
        var results = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 2);
        var othersStart = await kit.Rig.OtherCharging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other", EvseId = ReservationKit.EvseId, Token = new TokenRef { Uid = "zzz-user", Type = TokenType.AppUser } }, deadline: ChargingRig.Soon());

        Assert.Equal((ReservationState.Canceled, 3UL), (canceled.Reservation.State, canceled.Reservation.Version));
        Assert.Equal((CommandType.CancelReservation, reservationId, ReservationKit.EvseId), (command.CommandType, command.ReservationId, command.EvseId));
        Assert.Equal(EvseStatus.Available, statusAfter);
        Assert.Equal((canceled.CommandId, canceled.Reservation), (again.CommandId, again.Reservation));
        Assert.Equal(3UL, pushed[0].Version);
        Assert.Equal(
            [(CommandType.CreateReservation, CommandResultType.Accepted), (CommandType.CancelReservation, CommandResultType.Accepted)],
            results.OrderBy(result => result.CommandType).Select(result => (result.CommandType, result.Result)));
        Assert.Equal(SessionState.Pending, othersStart.Session.State);
    }

    [Fact]
    public async Task CancelReservation_BeforeStationConfirmed_CreateCommandCanceledAndNeverActive()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var created = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20)), deadline: ChargingRig.Soon());

        var canceled = await kit.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = created.Reservation.ReservationId }, deadline: ChargingRig.Soon());
        var results = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var lateAccept = await ReservationKit.Refused(kit.Rig.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "late", CommandId = created.CommandId, Result = CommandResultType.Accepted }, deadline: ChargingRig.Soon()));

        Assert.Equal(ReservationState.Canceled, canceled.Reservation.State);
        Assert.Equal((created.CommandId, CommandResultType.Canceled), (results[0].CommandId, results[0].Result));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), lateAccept);
        Assert.Equal(EvseStatus.Available, await kit.StatusAsync(ReservationKit.EvseId));
    }

    [Fact]
    public async Task StationAgent_ReservationCommands_AcceptedSoReservationActiveThenCanceled()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        using var agent = new StationAgent(kit.Rig.Station, TextWriter.Null);
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);

        var created = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20)), deadline: ChargingRig.Soon());
        var active = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Active }]);
        var canceled = await kit.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = created.Reservation.ReservationId }, deadline: ChargingRig.Soon());
        var results = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 2);
        await stop.CancelAsync();
        await running;

        Assert.Equal(created.Reservation.ReservationId, active[0].ReservationId);
        Assert.Equal(ReservationState.Canceled, canceled.Reservation.State);
        Assert.All(results, result => Assert.Equal(CommandResultType.Accepted, result.Result));
    }

    private static AsyncUnaryCall<PresentTokenResponse> PresentAsync(ReservationKit kit, string requestId, string uid) =>
        kit.Rig.Station.PresentTokenAsync(
            new PresentTokenRequest { RequestId = requestId, EvseId = ReservationKit.EvseId, IdentificationMethod = IdentificationMethod.Rfid, Token = new TokenRef { Uid = uid, Type = TokenType.Rfid, ProviderId = "DE-8EO" } },
            deadline: ChargingRig.Soon());
}
