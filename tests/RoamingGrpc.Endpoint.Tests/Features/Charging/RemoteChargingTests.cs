using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>UC3-2 remote start and UC3-4 remote stop between a real CSO and two real CSPs: refusals and idempotency.</summary>
public sealed class RemoteChargingTests(ITestOutputHelper output)
{
    private static readonly TokenRef AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" };

    [Fact]
    public async Task StartSession_OccupiedUnknownEvseOrForeignToken_RefusedWithReasonAndNothingStarted()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var first = await network.Charging.StartSessionAsync(Start("first", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());

        var occupied = await Refused(network.OtherCharging.StartSessionAsync(Start("other", ChargingNetwork.EvseId, new TokenRef { Uid = "zzz-user", Type = TokenType.AppUser }), deadline: ChargingNetwork.Soon()));
        var unknownEvse = await Refused(network.Charging.StartSessionAsync(Start("unknown", "DE*ABC*ENOPE*1"), deadline: ChargingNetwork.Soon()));
        var foreignOperator = await Refused(network.Charging.StartSessionAsync(Start("foreign-evse", "FR*XYZ*E1*1"), deadline: ChargingNetwork.Soon()));
        var foreignToken = AppUser.Clone();
        foreignToken.ProviderId = "FR-ZZZ";
        var otherProvider = await Refused(network.Charging.StartSessionAsync(Start("foreign-token", ChargingNetwork.SecondEvseId, foreignToken), deadline: ChargingNetwork.Soon()));
        var listed = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal(SessionState.Pending, first.Session.State);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_OCCUPIED"), occupied);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_EVSE"), unknownEvse);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_IDENTIFIER"), foreignOperator);
        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH"), otherProvider);
        Assert.Equal([first.Session.SessionId], listed.Sessions.Select(session => session.SessionId));
    }

    [Fact]
    public async Task StartSession_SameRequestIdTwice_OneSessionAndOneCommand()
    {
        await using var network = await ChargingNetwork.StartAsync(output);

        var once = await network.Charging.StartSessionAsync(Start("same", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());
        var again = await network.Charging.StartSessionAsync(Start("same", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());
        var reused = await Refused(network.Charging.StartSessionAsync(Start("same", ChargingNetwork.SecondEvseId), deadline: ChargingNetwork.Soon()));
        var listed = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal(once.CommandId, again.CommandId);
        Assert.Equal(once.Session, again.Session);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), reused);
        Assert.Single(listed.Sessions);
    }

    [Fact]
    public async Task StopSession_UnknownOrOtherCspsSession_NotFoundAndSessionUntouched()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var started = await network.Charging.StartSessionAsync(Start("start", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());

        var unknown = await Refused(network.Charging.StopSessionAsync(new StopSessionRequest { RequestId = "s1", SessionId = "no-such-session" }, deadline: ChargingNetwork.Soon()));
        var foreign = await Refused(network.OtherCharging.StopSessionAsync(new StopSessionRequest { RequestId = "s2", SessionId = started.Session.SessionId }, deadline: ChargingNetwork.Soon()));
        var foreignRead = await Refused(network.OtherCharging.GetSessionAsync(new GetSessionRequest { SessionId = started.Session.SessionId }, deadline: ChargingNetwork.Soon()));
        var session = await network.Charging.GetSessionAsync(new GetSessionRequest { SessionId = started.Session.SessionId }, deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), unknown);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), foreign);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), foreignRead);
        Assert.Equal(started.Session, session.Session);
    }

    [Fact]
    public async Task StartSession_StationNeverAnswers_TimeoutReportedAndSessionInvalid()
    {
        await using var network = await ChargingNetwork.StartAsync(output, new Dictionary<string, string?> { ["Roaming:Charging:CommandTimeout"] = "00:00:01" });

        var started = await network.Charging.StartSessionAsync(Start("start", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());
        var results = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var sessions = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Invalid }]);
        var retry = await network.Charging.StartSessionAsync(Start("again", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());

        Assert.Equal((started.CommandId, CommandType.StartSession, CommandResultType.Timeout, "start"), (results[0].CommandId, results[0].CommandType, results[0].Result, results[0].RequestId));
        Assert.Equal(StopReason.Timeout, sessions[0].StopReason);
        Assert.Equal(SessionState.Pending, retry.Session.State); // the EVSE is free again
    }

    [Fact]
    public async Task ReportCommandResult_StationRefusesStart_CspLearnsOutcomeAndSecondReportIsWrongState()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var started = await network.Charging.StartSessionAsync(Start("start", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());
        var command = await network.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);

        await network.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "r1", CommandId = command.CommandId, Result = CommandResultType.EvseOccupied, Message = "cable of another car in the holster" },
            deadline: ChargingNetwork.Soon());
        var second = await Refused(network.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "r2", CommandId = command.CommandId, Result = CommandResultType.Rejected },
            deadline: ChargingNetwork.Soon()));
        var results = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var session = await network.Charging.GetSessionAsync(new GetSessionRequest { SessionId = started.Session.SessionId }, deadline: ChargingNetwork.Soon());

        Assert.Equal((CommandType.StartSession, ChargingNetwork.EvseId, started.Session.SessionId), (command.CommandType, command.EvseId, command.SessionId));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), second);
        Assert.Equal(CommandResultType.EvseOccupied, results[0].Result);
        Assert.Equal(SessionState.Invalid, session.Session.State);
    }

    private static StartSessionRequest Start(string requestId, string evseId, TokenRef? token = null) =>
        new() { RequestId = requestId, EvseId = evseId, Token = token ?? AppUser };

    private static async Task<(StatusCode Code, string? Reason)> Refused<T>(Task<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        return (error.StatusCode, ChargingNetwork.ReasonOf(error));
    }

    private static Task<(StatusCode Code, string? Reason)> Refused<T>(AsyncUnaryCall<T> call) => Refused(call.ResponseAsync);
}
