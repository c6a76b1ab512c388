using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Charging;

/// <summary>UC3-2 remote start and UC3-4 remote stop between a real CSO and two real CSPs: refusals and idempotency.</summary>
public sealed class RemoteChargingTests(ITestOutputHelper output)
{
    private static readonly TokenRef AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" };

    [Fact]
    public async Task StartSession_OccupiedUnknownEvseOrForeignToken_RefusedWithReasonAndNothingStarted()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var first = await rig.Charging.StartSessionAsync(Start("first", ChargingRig.EvseId), deadline: ChargingRig.Soon());

        var occupied = await Refused(rig.OtherCharging.StartSessionAsync(Start("other", ChargingRig.EvseId, new TokenRef { Uid = "zzz-user", Type = TokenType.AppUser }), deadline: ChargingRig.Soon()));
        var unknownEvse = await Refused(rig.Charging.StartSessionAsync(Start("unknown", "DE*ABC*ENOPE*1"), deadline: ChargingRig.Soon()));
        var foreignOperator = await Refused(rig.Charging.StartSessionAsync(Start("foreign-evse", "FR*XYZ*E1*1"), deadline: ChargingRig.Soon()));
        var foreignToken = AppUser.Clone();
        foreignToken.ProviderId = "FR-ZZZ";
        var otherProvider = await Refused(rig.Charging.StartSessionAsync(Start("foreign-token", ChargingRig.SecondEvseId, foreignToken), deadline: ChargingRig.Soon()));
        var listed = await rig.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingRig.Soon());

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
        await using var rig = await ChargingRig.StartAsync(output);

        var once = await rig.Charging.StartSessionAsync(Start("same", ChargingRig.EvseId), deadline: ChargingRig.Soon());
        var again = await rig.Charging.StartSessionAsync(Start("same", ChargingRig.EvseId), deadline: ChargingRig.Soon());
        var reused = await Refused(rig.Charging.StartSessionAsync(Start("same", ChargingRig.SecondEvseId), deadline: ChargingRig.Soon()));
        var listed = await rig.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingRig.Soon());

        Assert.Equal(once.CommandId, again.CommandId);
        Assert.Equal(once.Session, again.Session);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), reused);
        Assert.Single(listed.Sessions);
    }

    [Fact]
    public async Task StopSession_UnknownOrOtherCspsSession_NotFoundAndSessionUntouched()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var started = await rig.Charging.StartSessionAsync(Start("start", ChargingRig.EvseId), deadline: ChargingRig.Soon());

        var unknown = await Refused(rig.Charging.StopSessionAsync(new StopSessionRequest { RequestId = "s1", SessionId = "no-such-session" }, deadline: ChargingRig.Soon()));
        var foreign = await Refused(rig.OtherCharging.StopSessionAsync(new StopSessionRequest { RequestId = "s2", SessionId = started.Session.SessionId }, deadline: ChargingRig.Soon()));
        var foreignRead = await Refused(rig.OtherCharging.GetSessionAsync(new GetSessionRequest { SessionId = started.Session.SessionId }, deadline: ChargingRig.Soon()));
        var session = await rig.Charging.GetSessionAsync(new GetSessionRequest { SessionId = started.Session.SessionId }, deadline: ChargingRig.Soon());

        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), unknown);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), foreign);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), foreignRead);
        Assert.Equal(started.Session, session.Session);
    }

    [Fact]
    public async Task StartSession_StationNeverAnswers_TimeoutReportedAndSessionInvalid()
    {
        await using var rig = await ChargingRig.StartAsync(output, new Dictionary<string, string?> { ["Roaming:Charging:CommandTimeout"] = "00:00:01" });

        var started = await rig.Charging.StartSessionAsync(Start("start", ChargingRig.EvseId), deadline: ChargingRig.Soon());
        var results = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var sessions = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Invalid }]);
        var retry = await rig.Charging.StartSessionAsync(Start("again", ChargingRig.EvseId), deadline: ChargingRig.Soon());

        Assert.Equal((started.CommandId, CommandType.StartSession, CommandResultType.Timeout, "start"), (results[0].CommandId, results[0].CommandType, results[0].Result, results[0].RequestId));
        Assert.Equal(StopReason.Timeout, sessions[0].StopReason);
        Assert.Equal(SessionState.Pending, retry.Session.State); // the EVSE is free again
    }

    [Fact]
    public async Task ReportCommandResult_StationRefusesStart_CspLearnsOutcomeAndSecondReportIsWrongState()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var started = await rig.Charging.StartSessionAsync(Start("start", ChargingRig.EvseId), deadline: ChargingRig.Soon());
        var command = await rig.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);

        await rig.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "r1", CommandId = command.CommandId, Result = CommandResultType.EvseOccupied, Message = "cable of another car in the holster" },
            deadline: ChargingRig.Soon());
        var second = await Refused(rig.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "r2", CommandId = command.CommandId, Result = CommandResultType.Rejected },
            deadline: ChargingRig.Soon()));
        var results = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var session = await rig.Charging.GetSessionAsync(new GetSessionRequest { SessionId = started.Session.SessionId }, deadline: ChargingRig.Soon());

        Assert.Equal((CommandType.StartSession, ChargingRig.EvseId, started.Session.SessionId), (command.CommandType, command.EvseId, command.SessionId));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), second);
        Assert.Equal(CommandResultType.EvseOccupied, results[0].Result);
        Assert.Equal(SessionState.Invalid, session.Session.State);
    }

    private static StartSessionRequest Start(string requestId, string evseId, TokenRef? token = null) =>
        new() { RequestId = requestId, EvseId = evseId, Token = token ?? AppUser };

    private static async Task<(StatusCode Code, string? Reason)> Refused<T>(Task<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        return (error.StatusCode, ChargingRig.ReasonOf(error));
    }

    private static Task<(StatusCode Code, string? Reason)> Refused<T>(AsyncUnaryCall<T> call) => Refused(call.ResponseAsync);
}
