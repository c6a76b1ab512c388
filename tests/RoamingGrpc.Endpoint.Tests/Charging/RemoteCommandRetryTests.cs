using Grpc.Core;
using Microsoft.Data.Sqlite;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Charging;

/// <summary>
/// A user app's remote start and stop through the CSP's back office are safe to retry end to end (UC3-2, UC3-4): a
/// retry with the same request_id gets the first answer, also after both endpoints restarted, and also when the CSP
/// lost its record of the first answer (the CSO answers the CSP's identical request with its own first answer).
/// </summary>
public sealed class RemoteCommandRetryTests(ITestOutputHelper output)
{
    private static readonly Token AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAPP00001", Valid = true, Whitelist = WhitelistType.Allowed };

    [Fact]
    public async Task RequestRemoteStart_RetriedAlsoAfterBothEndpointsRestarted_FirstAnswerOneSessionOneCommand()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(rig, AppUser);
        var request = Start("app-retry", ChargingRig.EvseId);

        var first = await rig.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingRig.Soon());
        var again = await rig.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingRig.Soon());
        // The token is blocked after the start: the start happened, so its retry still gets the first answer.
        await rig.CspBackoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "block", Uid = AppUser.Uid, Type = AppUser.Type, Reason = "lost phone" }, deadline: ChargingRig.Soon());
        await rig.RestartCsoAsync();
        await rig.StopCspAsync();
        await rig.StartCspAgainAsync();
        var afterRestarts = await rig.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingRig.Soon());
        var reused = await Assert.ThrowsAsync<RpcException>(async () => await rig.CspBackoffice.RequestRemoteStartAsync(Start("app-retry", ChargingRig.SecondEvseId), deadline: ChargingRig.Soon()));
        var sessions = await rig.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingRig.Soon());
        var command = await rig.NextCommandAsync(candidate => candidate.CommandId == first.CommandId);

        Assert.Equal(first, again);
        Assert.Equal(first, afterRestarts);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), (reused.StatusCode, ChargingRig.ReasonOf(reused)));
        Assert.Equal([first.Session.SessionId], sessions.Sessions.Select(session => session.SessionId));
        Assert.Equal((first.AuthorizationReference, first.Session.SessionId), (command.AuthorizationReference, command.SessionId));
    }

    [Fact]
    public async Task RequestRemoteStart_RetriedAfterTheCspLostItsRecord_CsoAnswersTheSameRequestWithItsFirstAnswer()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(rig, AppUser);
        var request = Start("app-lost", ChargingRig.EvseId);
        var first = await rig.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingRig.Soon());

        // The CSP loses everything it recorded (as if it crashed between the CSO's answer and writing it down): the
        // retry reaches the CSO again, with the same request derived from the app's request alone.
        await rig.StopCspAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(rig.Endpoints.Root, "csp.db*"))
        {
            File.Delete(file);
        }

        await rig.StartCspAgainAsync(csoHandshakesAgain: true);
        await AnnexAScenarioTests.IssueAsync(rig, AppUser);
        var retried = await rig.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingRig.Soon());
        var sessions = await rig.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingRig.Soon());

        Assert.Equal(first, retried);
        Assert.Single(sessions.Sessions);
    }

    [Fact]
    public async Task RequestRemoteStop_RetriedAfterTheCspRestarted_FirstAnswerAndOneStopCommand()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(rig, AppUser);
        var started = await rig.CspBackoffice.RequestRemoteStartAsync(Start("start", ChargingRig.EvseId), deadline: ChargingRig.Soon());
        var stop = new RequestRemoteStopRequest { RequestId = "app-stop", OperatorId = started.OperatorId, SessionId = started.Session.SessionId };

        var first = await rig.CspBackoffice.RequestRemoteStopAsync(stop, deadline: ChargingRig.Soon());
        await rig.StopCspAsync();
        await rig.StartCspAgainAsync();
        var retried = await rig.CspBackoffice.RequestRemoteStopAsync(stop, deadline: ChargingRig.Soon());

        Assert.Equal(first, retried);
        Assert.NotEqual(started.CommandId, first.CommandId);
    }

    private static RequestRemoteStartRequest Start(string requestId, string evseId) =>
        new() { RequestId = requestId, Token = new TokenRef { Uid = AppUser.Uid, Type = AppUser.Type }, EvseId = evseId };
}
