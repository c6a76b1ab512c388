using Grpc.Core;
using RoamingGrpc.Cli.Simulator;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Features.Charging;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Reservations;

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
        await using var setup = await ReservationNetwork.StartAsync(output);
        var reserved = await setup.ReserveAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)));
        var reservationId = reserved.Reservation.ReservationId;

        var otherCsp = await ReservationNetwork.Refused(setup.Network.OtherCharging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other-csp", EvseId = ReservationNetwork.EvseId, Token = new TokenRef { Uid = "zzz-user", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon()));
        var otherToken = await ReservationNetwork.Refused(setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other-token", EvseId = ReservationNetwork.EvseId, Token = ReservationNetwork.OtherUser }, deadline: ChargingNetwork.Soon()));
        var otherTokenNamingIt = await ReservationNetwork.Refused(setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other-named", EvseId = ReservationNetwork.EvseId, Token = ReservationNetwork.OtherUser, ReservationId = reservationId }, deadline: ChargingNetwork.Soon()));
        var elsewhere = await ReservationNetwork.Refused(setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "elsewhere", EvseId = ReservationNetwork.SecondEvseId, Token = ReservationNetwork.AppUser, ReservationId = reservationId }, deadline: ChargingNetwork.Soon()));
        var unknown = await ReservationNetwork.Refused(setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "unknown", EvseId = ReservationNetwork.EvseId, Token = ReservationNetwork.AppUser, ReservationId = "no-such-reservation" }, deadline: ChargingNetwork.Soon()));
        var statusWhileReserved = await setup.StatusAsync(ReservationNetwork.EvseId);
        var started = await setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "start", EvseId = ReservationNetwork.EvseId, Token = ReservationNetwork.AppUser, ReservationId = reservationId }, deadline: ChargingNetwork.Soon());
        var command = await setup.Network.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);
        var used = await setup.GetAsync(reservationId);
        var pushed = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Used }]);
        var usedAgain = await ReservationNetwork.Refused(setup.Network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "again", EvseId = ReservationNetwork.SecondEvseId, Token = ReservationNetwork.AppUser, ReservationId = reservationId }, deadline: ChargingNetwork.Soon()));
        var cancelUsed = await ReservationNetwork.Refused(setup.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = reservationId }, deadline: ChargingNetwork.Soon()));

        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), otherCsp);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), otherToken);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), otherTokenNamingIt);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), elsewhere);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), unknown);
        Assert.Equal(EvseStatus.Reserved, statusWhileReserved);
        Assert.Equal((SessionState.Pending, reservationId, ReservationNetwork.EvseId), (started.Session.State, started.Session.ReservationId, started.Session.EvseId));
        Assert.Equal((CommandType.StartSession, reservationId), (command.CommandType, command.ReservationId));
        Assert.Equal((ReservationState.Used, started.Session.SessionId), (used.State, used.SessionId));
        Assert.Equal(used, pushed[0]);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), usedAgain);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), cancelUsed);
        Assert.Equal(EvseStatus.Available, await setup.StatusAsync(ReservationNetwork.EvseId)); // the station reports CHARGING when the EV plugs in
    }

    [Fact]
    public async Task PresentToken_ReservedEvse_OtherCardRefusedAndReservingCardStartsOnIt()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(setup.Network, Card);
        await AnnexAScenarioTests.IssueAsync(setup.Network, OtherCard);
        var reserved = await setup.ReserveAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20), new TokenRef { Uid = "04:a2:b3:c4:d5:e6:f7", Type = TokenType.Rfid }));

        var other = await ReservationNetwork.Refused(PresentAsync(setup, "other", OtherCard.Uid));
        var presented = await PresentAsync(setup, "reserving", Card.Uid);
        var used = await setup.GetAsync(reserved.Reservation.ReservationId);

        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), other);
        Assert.Equal((AuthorizationStatus.Allowed, SessionState.Pending), (presented.Status, presented.Session.State));
        Assert.Equal((reserved.Reservation.ReservationId, Card.Uid), (presented.Session.ReservationId, presented.Session.Token.Uid));
        Assert.Equal((ReservationState.Used, presented.Session.SessionId), (used.State, used.SessionId));
    }

    [Fact]
    public async Task CancelReservation_ActiveReservation_EvseFreeForOthersAndRepeatedCancelSucceeds()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var reserved = await setup.ReserveAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)));
        var reservationId = reserved.Reservation.ReservationId;

        var canceled = await setup.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = reservationId }, deadline: ChargingNetwork.Soon());
        var command = await setup.AnswerAsync(canceled.CommandId, CommandResultType.Accepted);
        var statusAfter = await setup.StatusAsync(ReservationNetwork.EvseId);
        var again = await setup.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel-again", ReservationId = reservationId }, deadline: ChargingNetwork.Soon());
        var pushed = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Canceled }]);
        var results = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 2);
        var othersStart = await setup.Network.OtherCharging.StartSessionAsync(
            new StartSessionRequest { RequestId = "other", EvseId = ReservationNetwork.EvseId, Token = new TokenRef { Uid = "zzz-user", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());

        Assert.Equal((ReservationState.Canceled, 3UL), (canceled.Reservation.State, canceled.Reservation.Version));
        Assert.Equal((CommandType.CancelReservation, reservationId, ReservationNetwork.EvseId), (command.CommandType, command.ReservationId, command.EvseId));
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
        await using var setup = await ReservationNetwork.StartAsync(output);
        var created = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)), deadline: ChargingNetwork.Soon());

        var canceled = await setup.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = created.Reservation.ReservationId }, deadline: ChargingNetwork.Soon());
        var results = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var lateAccept = await ReservationNetwork.Refused(setup.Network.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "late", CommandId = created.CommandId, Result = CommandResultType.Accepted }, deadline: ChargingNetwork.Soon()));

        Assert.Equal(ReservationState.Canceled, canceled.Reservation.State);
        Assert.Equal((created.CommandId, CommandResultType.Canceled), (results[0].CommandId, results[0].Result));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), lateAccept);
        Assert.Equal(EvseStatus.Available, await setup.StatusAsync(ReservationNetwork.EvseId));
    }

    [Fact]
    public async Task StationAgent_ReservationCommands_AcceptedSoReservationActiveThenCanceled()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        using var agent = new StationAgent(setup.Network.Station, TextWriter.Null);
        using var stop = new CancellationTokenSource();
        var running = agent.RunAsync(stop.Token);

        var created = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)), deadline: ChargingNetwork.Soon());
        var active = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Active }]);
        var canceled = await setup.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = created.Reservation.ReservationId }, deadline: ChargingNetwork.Soon());
        var results = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 2);
        await stop.CancelAsync();
        await running;

        Assert.Equal(created.Reservation.ReservationId, active[0].ReservationId);
        Assert.Equal(ReservationState.Canceled, canceled.Reservation.State);
        Assert.All(results, result => Assert.Equal(CommandResultType.Accepted, result.Result));
    }

    private static AsyncUnaryCall<PresentTokenResponse> PresentAsync(ReservationNetwork setup, string requestId, string uid) =>
        setup.Network.Station.PresentTokenAsync(
            new PresentTokenRequest { RequestId = requestId, EvseId = ReservationNetwork.EvseId, IdentificationMethod = IdentificationMethod.Rfid, Token = new TokenRef { Uid = uid, Type = TokenType.Rfid, ProviderId = "DE-8EO" } },
            deadline: ChargingNetwork.Soon());
}
