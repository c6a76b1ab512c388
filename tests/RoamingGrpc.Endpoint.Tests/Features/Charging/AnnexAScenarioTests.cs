using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Tokens;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>
/// IEC 63119-2 Annex A scenarios end to end between a real CSO and a real CSP over mutual TLS, with the SDR checked
/// against hand-computed totals (network tariff: 0.40 EUR/kWh, 6.00 EUR per parking hour, 1.00 EUR flat, 19 % VAT).
/// </summary>
public sealed class AnnexAScenarioTests(ITestOutputHelper output)
{
    private static readonly Token AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAPP00001", Valid = true, Whitelist = WhitelistType.Allowed };
    private static readonly Token Card = new() { Uid = "04A2B3C4D5E6F7", Type = TokenType.Rfid, ContractId = "DE-8EO-CRFID0001", Valid = true, Whitelist = WhitelistType.AllowedOffline, VisualNumber = "0001-2" };

    [Fact]
    public async Task A1_QrCode_RemoteStartChargeRemoteStop_SdrAsComputedByHand()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await IssueAsync(network, AppUser);
        var t0 = ChargingNetwork.SessionStart();

        var started = await network.CspBackoffice.RequestRemoteStartAsync(
            new RequestRemoteStartRequest { RequestId = "qr-start", Token = new TokenRef { Uid = AppUser.Uid, Type = AppUser.Type }, EvseId = ChargingNetwork.EvseId },
            deadline: ChargingNetwork.Soon());
        var startCommand = await network.NextCommandAsync(command => command.CommandId == started.CommandId);
        await network.EventAsync(startCommand.SessionId, SessionEventType.Started, t0, 0, startCommand.CommandId);
        var startResult = await ResultAsync(network, started.OperatorId, started.CommandId);
        await network.MeterAsync(startCommand.SessionId, t0.AddMinutes(30), 11, 22);
        await network.MeterAsync(startCommand.SessionId, t0.AddMinutes(60), 22, 22);
        await network.EventAsync(startCommand.SessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), 22);
        var stopped = await network.CspBackoffice.RequestRemoteStopAsync(
            new RequestRemoteStopRequest { RequestId = "qr-stop", OperatorId = started.OperatorId, SessionId = started.Session.SessionId },
            deadline: ChargingNetwork.Soon());
        var stopCommand = await network.NextCommandAsync(command => command.CommandId == stopped.CommandId);
        await network.EventAsync(stopCommand.SessionId, SessionEventType.Stopped, t0.AddMinutes(90), 22, stopCommand.CommandId, StopReason.Remote);
        var stopResult = await ResultAsync(network, started.OperatorId, stopped.CommandId);
        var sdr = (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];

        Assert.Equal(("DE*ABC", SessionState.Pending, IdentificationMethod.QrApp), (started.OperatorId, started.Session.State, started.Session.IdentificationMethod));
        Assert.Equal(started.AuthorizationReference, started.Session.AuthorizationReference);
        Assert.Equal((CommandResultType.Started, CommandResultType.Stopped), (startResult.Result, stopResult.Result));
        // 22 kWh x 0.40 = 8.80; 0.5 h parking x 6.00 = 3.00; flat 1.00: 12.80 excl.; VAT 19 % 2.432 -> 2.43; 15.23 incl.
        Assert.Equal(("12.80", "15.23"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal((started.AuthorizationReference, AuthorizationMethod.Command, Canonical("DE-8EO-CAPP00001")), (sdr.AuthorizationReference, sdr.AuthorizationMethod, sdr.Token.ContractId));
    }

    [Fact]
    public async Task A3_RfidOnline_AuthorizedByCspInRealTime_SdrAsComputedByHand()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await IssueAsync(network, Card);
        // A card names no provider: the CSO finds its home-CSP in the token lists it received (UC4-2).
        await WaitForOfflineListAsync(network, [Card.Uid]);

        var presented = await PresentCardAsync(network, ChargingNetwork.EvseId);
        var sdr = await ChargeLocallyAsync(network, presented.Session.SessionId);

        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.Online), (presented.Status, presented.AuthorizationMethod));
        Assert.NotEmpty(presented.AuthorizationReference);
        Assert.Equal(("DE-8EO", Canonical("DE-8EO-CRFID0001"), SessionState.Pending), (presented.Session.ProviderId, presented.Session.Token.ContractId, presented.Session.State));
        Assert.Equal(("12.80", "15.23"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal((presented.AuthorizationReference, AuthorizationMethod.Online, IdentificationMethod.Rfid), (sdr.AuthorizationReference, sdr.AuthorizationMethod, sdr.IdentificationMethod));
    }

    [Fact]
    public async Task A3_RfidOffline_CspUnreachable_OfflineListAllowsAndSdrArrivesOnceWhenCspIsBack()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await IssueAsync(network, Card);
        var never = AppUser.Clone();
        never.Uid = "0011223344";
        never.Type = TokenType.Rfid;
        never.ContractId = "DE-8EO-CNEVER001";
        never.Whitelist = WhitelistType.Never;
        await IssueAsync(network, never);
        await WaitForOfflineListAsync(network, [Card.Uid, never.Uid]);

        await network.StopCspAsync();
        var presented = await PresentCardAsync(network, ChargingNetwork.EvseId);
        var refused = await network.Station.PresentTokenAsync(
            new PresentTokenRequest { RequestId = "never", EvseId = ChargingNetwork.SecondEvseId, IdentificationMethod = IdentificationMethod.Rfid, Token = new TokenRef { Uid = never.Uid, Type = TokenType.Rfid } },
            deadline: ChargingNetwork.Soon());
        var t0 = ChargingNetwork.SessionStart();
        var sessionId = presented.Session.SessionId;
        await network.EventAsync(sessionId, SessionEventType.Started, t0, 0);
        await network.MeterAsync(sessionId, t0.AddMinutes(60), 22, 22);
        await network.EventAsync(sessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), 22);
        await network.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(90), 22, stopReason: StopReason.Local);
        await network.StartCspAgainAsync();
        var sdrs = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1);
        var relay = network.Endpoints.Cso.Services.GetRequiredService<OutboxRelay>();
        await TwoEndpoints.WaitUntilAsync(() => relay.IsDrainedAsync(CancellationToken.None).GetAwaiter().GetResult(), ChargingNetwork.Deadline, "the CSO's outbox is drained");

        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.OfflineList, string.Empty), (presented.Status, presented.AuthorizationMethod, presented.AuthorizationReference));
        Assert.Equal(("DE-8EO", SessionState.Pending), (presented.Session.ProviderId, presented.Session.State));
        Assert.Equal((AuthorizationStatus.NotAllowed, null), (refused.Status, refused.Session));
        Assert.Equal(("12.80", "15.23", AuthorizationMethod.OfflineList), (sdrs[0].Totals.TotalCostExclVat.Amount, sdrs[0].Totals.TotalCostInclVat.Amount, sdrs[0].AuthorizationMethod));
        Assert.Equal(1UL, sdrs[0].Version);
    }

    [Fact]
    public async Task RequestRemoteStart_UnknownOrBlockedToken_RefusedAtTheCspWithoutCallingTheCso()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await IssueAsync(network, AppUser);
        await network.CspBackoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "block", Uid = AppUser.Uid, Type = AppUser.Type, Reason = "lost phone" }, deadline: ChargingNetwork.Soon());

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await network.CspBackoffice.RequestRemoteStartAsync(
            new RequestRemoteStartRequest { RequestId = "u", Token = new TokenRef { Uid = "nobody", Type = TokenType.AppUser }, EvseId = ChargingNetwork.EvseId }, deadline: ChargingNetwork.Soon()));
        var blocked = await Assert.ThrowsAsync<RpcException>(async () => await network.CspBackoffice.RequestRemoteStartAsync(
            new RequestRemoteStartRequest { RequestId = "b", Token = new TokenRef { Uid = AppUser.Uid, Type = AppUser.Type }, EvseId = ChargingNetwork.EvseId }, deadline: ChargingNetwork.Soon()));
        var sessions = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.NotFound, "UNKNOWN_TOKEN"), (unknown.StatusCode, ChargingNetwork.ReasonOf(unknown)));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), (blocked.StatusCode, ChargingNetwork.ReasonOf(blocked)));
        Assert.Empty(sessions.Sessions);
    }

    // Contract ids come back canonical: with their ISO 15118-2 Annex H check character.
    private static string Canonical(string contractId) => ContractId.Parse(contractId).ToString();

    internal static Task IssueAsync(ChargingNetwork network, Token token) =>
        network.CspBackoffice.IssueTokenAsync(new IssueTokenRequest { RequestId = "issue-" + token.Uid, Token = token }, deadline: ChargingNetwork.Soon()).ResponseAsync;

    private static Task<PresentTokenResponse> PresentCardAsync(ChargingNetwork network, string evseId) =>
        network.Station.PresentTokenAsync(
            new PresentTokenRequest { RequestId = "card-" + evseId, EvseId = evseId, IdentificationMethod = IdentificationMethod.Rfid, Token = new TokenRef { Uid = "04:a2:b3:c4:d5:e6:f7", Type = TokenType.Rfid } },
            deadline: ChargingNetwork.Soon()).ResponseAsync;

    // Plugged in at t0, 22 kWh by t0 + 60 min, parked until the card ends it at t0 + 90 min; the SDR as the CSP holds it.
    private static async Task<Sdr> ChargeLocallyAsync(ChargingNetwork network, string sessionId)
    {
        var t0 = ChargingNetwork.SessionStart();
        await network.EventAsync(sessionId, SessionEventType.Started, t0, 0);
        await network.MeterAsync(sessionId, t0.AddMinutes(60), 22, 22);
        await network.EventAsync(sessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), 22);
        await network.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(90), 22, stopReason: StopReason.Local);
        return (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];
    }

    private static async Task<CommandResult> ResultAsync(ChargingNetwork network, string operatorId, string commandId)
    {
        var deadline = DateTime.UtcNow + ChargingNetwork.Deadline;
        while (DateTime.UtcNow < deadline)
        {
            var result = await network.CspBackoffice.GetCommandResultAsync(new GetCommandResultRequest { OperatorId = operatorId, CommandId = commandId }, deadline: ChargingNetwork.Soon());
            if (result.CommandResult is not null)
            {
                return result.CommandResult;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No outcome of command {commandId} reached the CSP.");
    }

    private static async Task WaitForOfflineListAsync(ChargingNetwork network, IReadOnlyList<string> uids)
    {
        var lists = network.Endpoints.Cso.Services.GetRequiredService<IPartnerTokenLists>();
        var deadline = DateTime.UtcNow + ChargingNetwork.Deadline;
        while (true)
        {
            var held = await lists.TokensAsync("DE-8EO", CancellationToken.None);
            if (uids.All(uid => held.Any(token => token.Uid == uid)))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The CSO did not receive the CSP's token list in time.");
            }

            await Task.Delay(50);
        }
    }
}
