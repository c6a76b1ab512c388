using Grpc.Core;
using Microsoft.Data.Sqlite;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

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
        await using var network = await ChargingNetwork.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(network, AppUser);
        var request = Start("app-retry", ChargingNetwork.EvseId);

        var first = await network.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingNetwork.Soon());
        var again = await network.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingNetwork.Soon());
        // The token is blocked after the start: the start happened, so its retry still gets the first answer.
        await network.CspBackoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "block", Uid = AppUser.Uid, Type = AppUser.Type, Reason = "lost phone" }, deadline: ChargingNetwork.Soon());
        await network.RestartCsoAsync();
        await network.StopCspAsync();
        await network.StartCspAgainAsync();
        var afterRestarts = await network.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingNetwork.Soon());
        var reused = await Assert.ThrowsAsync<RpcException>(async () => await network.CspBackoffice.RequestRemoteStartAsync(Start("app-retry", ChargingNetwork.SecondEvseId), deadline: ChargingNetwork.Soon()));
        var sessions = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());
        var command = await network.NextCommandAsync(candidate => candidate.CommandId == first.CommandId);

        Assert.Equal(first, again);
        Assert.Equal(first, afterRestarts);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), (reused.StatusCode, ChargingNetwork.ReasonOf(reused)));
        Assert.Equal([first.Session.SessionId], sessions.Sessions.Select(session => session.SessionId));
        Assert.Equal((first.AuthorizationReference, first.Session.SessionId), (command.AuthorizationReference, command.SessionId));
    }

    [Fact]
    public async Task RequestRemoteStart_RetriedAfterTheCspLostItsRecord_CsoAnswersTheSameRequestWithItsFirstAnswer()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(network, AppUser);
        var request = Start("app-lost", ChargingNetwork.EvseId);
        var first = await network.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingNetwork.Soon());

        // The CSP loses everything it recorded (as if it crashed between the CSO's answer and writing it down): the
        // retry reaches the CSO again, with the same request derived from the app's request alone.
        await network.StopCspAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(network.Endpoints.Root, "csp.db*"))
        {
            File.Delete(file);
        }

        await network.StartCspAgainAsync(csoHandshakesAgain: true);
        await AnnexAScenarioTests.IssueAsync(network, AppUser);
        var retried = await network.CspBackoffice.RequestRemoteStartAsync(request, deadline: ChargingNetwork.Soon());
        var sessions = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal(first, retried);
        Assert.Single(sessions.Sessions);
    }

    [Fact]
    public async Task RequestRemoteStop_RetriedAfterTheCspRestarted_FirstAnswerAndOneStopCommand()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(network, AppUser);
        var started = await network.CspBackoffice.RequestRemoteStartAsync(Start("start", ChargingNetwork.EvseId), deadline: ChargingNetwork.Soon());
        var stop = new RequestRemoteStopRequest { RequestId = "app-stop", OperatorId = started.OperatorId, SessionId = started.Session.SessionId };

        var first = await network.CspBackoffice.RequestRemoteStopAsync(stop, deadline: ChargingNetwork.Soon());
        await network.StopCspAsync();
        await network.StartCspAgainAsync();
        var retried = await network.CspBackoffice.RequestRemoteStopAsync(stop, deadline: ChargingNetwork.Soon());

        Assert.Equal(first, retried);
        Assert.NotEqual(started.CommandId, first.CommandId);
    }

    private static RequestRemoteStartRequest Start(string requestId, string evseId) =>
        new() { RequestId = requestId, Token = new TokenRef { Uid = AppUser.Uid, Type = AppUser.Type }, EvseId = evseId };
}
