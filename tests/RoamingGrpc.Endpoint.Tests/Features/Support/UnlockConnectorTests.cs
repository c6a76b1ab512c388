using Grpc.Core;
using RoamingGrpc.Cli.Simulator;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Support;

/// <summary>
/// UC5-2 and UC5-3 between a real CSO and two real CSPs over mutual TLS: unlock commands for the caller's own session or
/// failed activation, executed by the station (the simulator's agent, or the back office by hand), their outcome
/// delivered to the CSP like every command's, the refusals, and the CSO's audit of every request.
/// </summary>
public sealed class UnlockConnectorTests(ITestOutputHelper output)
{
    private static readonly TokenRef AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" };

    [Fact]
    public async Task UnlockConnector_OwnSessionAfterCharging_StationAgentUnlocksCspGetsUnlockedAndAuditKeepsIt()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await SupportCalls.MakeFirstEvseUnlockCapableAsync(network);
        var support = SupportCalls.Support(network);
        var trace = new StringWriter();
        using var agent = new StationAgent(network.Station, TextWriter.Synchronized(trace));
        using var stopAgent = new CancellationTokenSource();
        var running = agent.RunAsync(stopAgent.Token);
        try
        {
            var before = DateTimeOffset.UtcNow.AddSeconds(-1);
            var started = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "start", EvseId = ChargingNetwork.EvseId, Token = AppUser }, deadline: ChargingNetwork.Soon());
            var sessionId = started.Session.SessionId;
            await SessionBecomesAsync(network, sessionId, SessionState.Active);
            var whileCharging = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(BySession("while-charging", sessionId), deadline: ChargingNetwork.Soon()));
            await network.Charging.StopSessionAsync(new StopSessionRequest { RequestId = "stop", SessionId = sessionId }, deadline: ChargingNetwork.Soon());
            await SessionBecomesAsync(network, sessionId, SessionState.Completed);

            var accepted = await support.UnlockConnectorAsync(BySession("unlock", sessionId), deadline: ChargingNetwork.Soon());
            var retried = await support.UnlockConnectorAsync(BySession("unlock", sessionId), deadline: ChargingNetwork.Soon());
            var results = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == accepted.CommandId));
            var audit = await network.Station.ListUnlockRequestsAsync(new ListUnlockRequestsRequest(), deadline: ChargingNetwork.Soon());
            var after = DateTimeOffset.UtcNow.AddSeconds(1);
            var unlocked = results.Single(result => result.CommandId == accepted.CommandId);

            Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), whileCharging);
            Assert.Equal((ChargingNetwork.EvseId, "1", TimeSpan.FromMinutes(2)), (accepted.EvseId, accepted.ConnectorId, accepted.ResultTimeout.ToTimeSpan()));
            Assert.Equal(accepted, retried);
            Assert.Equal(
                (CommandType.UnlockConnector, CommandResultType.Unlocked, sessionId, ChargingNetwork.EvseId, "1", "unlock"),
                (unlocked.CommandType, unlocked.Result, unlocked.SessionId, unlocked.EvseId, unlocked.ConnectorId, unlocked.RequestId));
            Assert.Contains("UNLOCK_CONNECTOR", trace.ToString(), StringComparison.Ordinal);
            Assert.Equal(["unlock", "while-charging"], audit.UnlockRequests.Select(entry => entry.RequestId));
            var entry = audit.UnlockRequests[0];
            Assert.Equal(
                ("DE-8EO", ChargingNetwork.EvseId, "1", sessionId, "The cable stays locked after charging", accepted.CommandId, string.Empty),
                (entry.ProviderId, entry.EvseId, entry.ConnectorId, entry.SessionId, entry.Reason, entry.CommandId, entry.RefusalCode));
            Assert.Equal(
                (CommandResultType.Unlocked, unlocked.ResultTime.ToDateTimeOffset().ToUnixTimeMilliseconds()),
                (entry.Result, entry.ResultTime.ToDateTimeOffset().ToUnixTimeMilliseconds()));
            Assert.InRange(entry.RequestTime.ToDateTimeOffset(), before, after);
            var refused = audit.UnlockRequests[1];
            Assert.Equal(("FAILED_PRECONDITION", "WRONG_STATE", string.Empty, CommandResultType.Unspecified), (refused.RefusalCode, refused.RefusalReason, refused.CommandId, refused.Result));
            Assert.InRange(refused.ResultTime.ToDateTimeOffset(), before, after);
        }
        finally
        {
            await stopAgent.CancelAsync();
            var ended = await Record.ExceptionAsync(() => running);
            Assert.True(ended is null or OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled }, $"the station agent ended with {ended}");
        }
    }

    [Fact]
    public async Task UnlockConnector_StartTheStationFoundOccupied_UnlockedByFailedCommandIdOnceItsOutcomeIsKnown()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await SupportCalls.MakeFirstEvseUnlockCapableAsync(network);
        var support = SupportCalls.Support(network);
        var started = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "start", EvseId = ChargingNetwork.EvseId, Token = AppUser }, deadline: ChargingNetwork.Soon());
        var byCommand = ByFailedCommand("unlock", ChargingNetwork.EvseId, started.CommandId);

        var tooEarly = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(ByFailedCommand("early", ChargingNetwork.EvseId, started.CommandId), deadline: ChargingNetwork.Soon()));
        await network.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "occupied", CommandId = started.CommandId, Result = CommandResultType.EvseOccupied, Message = "another car's cable in the socket" },
            deadline: ChargingNetwork.Soon());
        var accepted = await support.UnlockConnectorAsync(byCommand, deadline: ChargingNetwork.Soon());
        var command = await network.NextCommandAsync(candidate => candidate.CommandId == accepted.CommandId);
        var wrongResult = await SupportCalls.RefusedAsync(network.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = "started?", CommandId = command.CommandId, Result = CommandResultType.Started },
            deadline: ChargingNetwork.Soon()));
        await network.Station.ReportCommandResultAsync(new ReportCommandResultRequest { RequestId = "unlocked", CommandId = command.CommandId, Result = CommandResultType.Unlocked }, deadline: ChargingNetwork.Soon());
        var results = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 2);
        var other = await SupportCalls.RefusedAsync(SupportCalls.OtherSupport(network).UnlockConnectorAsync(ByFailedCommand("other", ChargingNetwork.EvseId, started.CommandId), deadline: ChargingNetwork.Soon()));
        var unknown = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(ByFailedCommand("unknown", ChargingNetwork.EvseId, "no-such-command"), deadline: ChargingNetwork.Soon()));
        var otherEvse = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(ByFailedCommand("other-evse", ChargingNetwork.SecondEvseId, started.CommandId), deadline: ChargingNetwork.Soon()));

        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), tooEarly);
        Assert.Equal(
            (CommandType.UnlockConnector, "DE-8EO", ChargingNetwork.EvseId, "1", started.Session.SessionId, "The cable stays locked after charging", "unlock"),
            (command.CommandType, command.ProviderId, command.EvseId, command.ConnectorId, command.SessionId, command.Reason, command.RequestId));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), wrongResult);
        Assert.Equal(CommandResultType.EvseOccupied, results.Single(result => result.CommandId == started.CommandId).Result);
        Assert.Equal((CommandType.UnlockConnector, CommandResultType.Unlocked), results.Where(result => result.CommandId == accepted.CommandId).Select(result => (result.CommandType, result.Result)).Single());
        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH"), other);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_COMMAND"), unknown);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), otherEvse);
    }

    [Fact]
    public async Task UnlockConnector_StartTimedOutByAuthorizationReference_AcceptedAndTimeoutWhenTheStationIsSilent()
    {
        await using var network = await ChargingNetwork.StartAsync(output, new Dictionary<string, string?> { ["Roaming:Charging:CommandTimeout"] = "00:00:01" });
        await SupportCalls.MakeFirstEvseUnlockCapableAsync(network);
        var support = SupportCalls.Support(network);
        var started = await network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "start", EvseId = ChargingNetwork.EvseId, Token = AppUser, AuthorizationReference = "AUTH-42" },
            deadline: ChargingNetwork.Soon());
        await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received is [{ Result: CommandResultType.Timeout }]);

        var accepted = await support.UnlockConnectorAsync(ByAuthorization("unlock", "AUTH-42"), deadline: ChargingNetwork.Soon());
        var other = await SupportCalls.RefusedAsync(SupportCalls.OtherSupport(network).UnlockConnectorAsync(ByAuthorization("other", "AUTH-42"), deadline: ChargingNetwork.Soon()));
        var unknown = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(ByAuthorization("unknown", "AUTH-NONE"), deadline: ChargingNetwork.Soon()));
        var results = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == accepted.CommandId));
        var audit = await network.Station.ListUnlockRequestsAsync(new ListUnlockRequestsRequest { EvseId = ChargingNetwork.EvseId }, deadline: ChargingNetwork.Soon());
        var ofOther = await network.Station.ListUnlockRequestsAsync(new ListUnlockRequestsRequest { ProviderId = "fr-zzz" }, deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH"), other);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), unknown);
        var timedOut = results.Single(result => result.CommandId == accepted.CommandId);
        Assert.Equal((CommandType.UnlockConnector, CommandResultType.Timeout, started.Session.SessionId), (timedOut.CommandType, timedOut.Result, timedOut.SessionId));
        Assert.Equal(["unknown", "other", "unlock"], audit.UnlockRequests.Select(entry => entry.RequestId));
        var entry = audit.UnlockRequests[2];
        Assert.Equal(("AUTH-42", started.Session.SessionId, "1", CommandResultType.Timeout), (entry.AuthorizationReference, entry.SessionId, entry.ConnectorId, entry.Result));
        Assert.Equal([("FR-ZZZ", "PERMISSION_DENIED", "PARTY_MISMATCH")], ofOther.UnlockRequests.Select(entry => (entry.ProviderId, entry.RefusalCode, entry.RefusalReason)));
    }

    [Fact]
    public async Task UnlockConnector_OtherCspsSessionUnknownSessionOrIncapableEvse_RefusedWithReasonAndAudited()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await SupportCalls.MakeFirstEvseUnlockCapableAsync(network);
        var support = SupportCalls.Support(network);
        var capable = await CompletedSessionAsync(network, "capable", ChargingNetwork.EvseId);
        var incapable = await CompletedSessionAsync(network, "incapable", ChargingNetwork.SecondEvseId);

        var foreign = await SupportCalls.RefusedAsync(SupportCalls.OtherSupport(network).UnlockConnectorAsync(BySession("foreign", capable), deadline: ChargingNetwork.Soon()));
        var unknown = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(BySession("unknown", "no-such-session"), deadline: ChargingNetwork.Soon()));
        var notCapable = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(BySession("not-capable", incapable), deadline: ChargingNetwork.Soon()));
        var noReason = BySession("no-reason", capable);
        noReason.Reason = " ";
        var withoutReason = await SupportCalls.RefusedAsync(support.UnlockConnectorAsync(noReason, deadline: ChargingNetwork.Soon()));
        var pages = new List<UnlockRequestRecord>();
        var token = string.Empty;
        do
        {
            var page = await network.Station.ListUnlockRequestsAsync(new ListUnlockRequestsRequest { PageSize = 1, PageToken = token }, deadline: ChargingNetwork.Soon());
            pages.AddRange(page.UnlockRequests);
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH"), foreign);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION"), unknown);
        Assert.Equal((StatusCode.FailedPrecondition, "NOT_UNLOCK_CAPABLE"), notCapable);
        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD"), withoutReason);
        Assert.Equal(
            [
                ("DE-8EO", "not-capable", ChargingNetwork.SecondEvseId, incapable, "NOT_UNLOCK_CAPABLE"),
                ("DE-8EO", "unknown", string.Empty, "no-such-session", "UNKNOWN_SESSION"),
                ("FR-ZZZ", "foreign", ChargingNetwork.EvseId, capable, "PARTY_MISMATCH"),
            ],
            pages.Select(entry => (entry.ProviderId, entry.RequestId, entry.EvseId, entry.SessionId, entry.RefusalReason)));
        Assert.All(pages, entry => Assert.Equal((string.Empty, CommandResultType.Unspecified), (entry.CommandId, entry.Result)));
    }

    private static UnlockConnectorRequest BySession(string requestId, string sessionId) =>
        new() { RequestId = requestId, SessionId = sessionId, Reason = "The cable stays locked after charging" };

    private static UnlockConnectorRequest ByFailedCommand(string requestId, string evseId, string commandId) =>
        new() { RequestId = requestId, FailedActivation = new FailedActivation { EvseId = evseId, ConnectorId = "1", FailedCommandId = commandId }, Reason = "The cable stays locked after charging" };

    private static UnlockConnectorRequest ByAuthorization(string requestId, string reference) =>
        new() { RequestId = requestId, FailedActivation = new FailedActivation { EvseId = ChargingNetwork.EvseId, ConnectorId = "1", AuthorizationReference = reference }, Reason = "Start failed, cable locked" };

    // A remote start the station started and the user ended at the EVSE; returns the session id.
    private static async Task<string> CompletedSessionAsync(ChargingNetwork network, string requestId, string evseId)
    {
        var started = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = requestId, EvseId = evseId, Token = AppUser }, deadline: ChargingNetwork.Soon());
        var t0 = ChargingNetwork.SessionStart();
        await network.EventAsync(started.Session.SessionId, SessionEventType.Started, t0, 0, started.CommandId);
        await network.EventAsync(started.Session.SessionId, SessionEventType.Stopped, t0.AddMinutes(30), 5, stopReason: StopReason.Local);
        return started.Session.SessionId;
    }

    private static Task SessionBecomesAsync(ChargingNetwork network, string sessionId, SessionState state) =>
        TwoEndpoints.WaitUntilAsync(
            () => network.Charging.GetSession(new GetSessionRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon()).Session.State == state,
            ChargingNetwork.Deadline,
            $"session {sessionId} is {state}");
}
