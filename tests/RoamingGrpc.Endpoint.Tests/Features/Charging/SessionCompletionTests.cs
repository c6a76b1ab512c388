using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>
/// UC3-5 / UC3-9: a remotely started session runs, stops, is priced into an SDR that reaches the CSP exactly once, and
/// the CSP accepts or disputes it; a dispute is corrected by a credit and a new SDR. Hand-computed totals with the
/// network's tariff (0.40 EUR/kWh, 6.00 EUR per parking hour, 1.00 EUR flat, 19 % VAT).
/// </summary>
public sealed class SessionCompletionTests(ITestOutputHelper output)
{
    private static readonly TokenRef AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" };

    [Fact]
    public async Task RemoteSession_StartMeterStop_SdrHandComputedPushedOnceThenAccepted()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var t0 = ChargingNetwork.SessionStart();

        var (sessionId, startCommand, stopCommand) = await RunSessionAsync(network, t0, energyKwh: 22);
        var sdrs = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1);
        var results = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 2);
        var sessions = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Completed }]);
        var sdr = sdrs[0];

        // 22 kWh x 0.40 = 8.80; 30 min parking x 6.00/h = 3.00; flat 1.00 -> 12.80 excl. VAT; 19 % = 2.432 -> 2.43; 15.23 incl.
        Assert.Equal(("12.80", "15.23", "EUR"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount, sdr.Currency));
        Assert.Equal(("8.80", "3.00", "1.00"), (sdr.Totals.TotalEnergyCostExclVat.Amount, sdr.Totals.TotalParkingCostExclVat.Amount, sdr.Totals.TotalFixedCostExclVat.Amount));
        Assert.Equal(22, sdr.Totals.TotalEnergyKwh, 3);
        Assert.Equal(TimeSpan.FromMinutes(60), sdr.Totals.TotalTime.ToTimeSpan());
        Assert.Equal(TimeSpan.FromMinutes(30), sdr.Totals.TotalParkingTime.ToTimeSpan());
        Assert.Equal((sessionId, SdrStatus.New, ChargingNetwork.EvseId, ChargingNetwork.SiteId), (sdr.SessionId, sdr.Status, sdr.Location.EvseId, sdr.Location.SiteId));
        Assert.Equal((t0, t0.AddMinutes(90)), (sdr.StartTime.ToDateTimeOffset(), sdr.EndTime.ToDateTimeOffset()));
        Assert.Equal([ChargingNetwork.TariffId], sdr.Tariffs.Select(tariff => tariff.TariffId));
        Assert.Equal((AuthorizationMethod.Command, startCommand), (sdr.AuthorizationMethod, sdr.AuthorizationReference));
        Assert.Equal(
            [(startCommand, CommandResultType.Started), (stopCommand, CommandResultType.Stopped)],
            results.OrderBy(result => result.CommandType).Select(result => (result.CommandId, result.Result)));
        Assert.Equal((StopReason.Remote, "15.23"), (sessions[0].StopReason, sessions[0].CostInclVat.Amount));

        var accepted = await network.Sdrs.AcceptSdrAsync(new AcceptSdrRequest { RequestId = "accept", SdrId = sdr.SdrId }, deadline: ChargingNetwork.Soon());
        var disputeAfterAccept = await Assert.ThrowsAsync<RpcException>(async () =>
            await network.Sdrs.DisputeSdrAsync(new DisputeSdrRequest { RequestId = "dispute", SdrId = sdr.SdrId, Reason = SdrDisputeReason.WrongPrice }, deadline: ChargingNetwork.Soon()));
        var pushedAgain = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received is [{ Status: SdrStatus.Accepted }]);
        var inPeriod = await network.Sdrs.ListSdrsAsync(new ListSdrsRequest { StartTime = Timestamp.FromDateTimeOffset(t0), EndTime = Timestamp.FromDateTimeOffset(t0.AddHours(2)) }, deadline: ChargingNetwork.Soon());
        var beforePeriod = await network.Sdrs.ListSdrsAsync(new ListSdrsRequest { EndTime = Timestamp.FromDateTimeOffset(t0.AddMinutes(90)) }, deadline: ChargingNetwork.Soon());
        var theirs = await new SdrService.SdrServiceClient(network.Endpoints.Channel(network.OtherCertificates, ChargingNetwork.OtherCsp, network.Endpoints.Cso))
            .ListSdrsAsync(new ListSdrsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal((SdrStatus.Accepted, 2UL), (accepted.Sdr.Status, accepted.Sdr.Version));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), (disputeAfterAccept.StatusCode, ChargingNetwork.ReasonOf(disputeAfterAccept)));
        Assert.Equal(2UL, pushedAgain[0].Version);
        Assert.Equal([sdr.SdrId], inPeriod.Sdrs.Select(listed => listed.SdrId));
        Assert.Empty(beforePeriod.Sdrs);
        Assert.Empty(theirs.Sdrs);
    }

    [Fact]
    public async Task DisputedSdr_Corrected_CreditReversesAndNewSdrRepricedAllPushed()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await RunSessionAsync(network, ChargingNetwork.SessionStart(), energyKwh: 22);
        var original = (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];

        await network.Sdrs.DisputeSdrAsync(new DisputeSdrRequest { RequestId = "d", SdrId = original.SdrId, Reason = SdrDisputeReason.WrongEnergy, Detail = "meter says 20 kWh" }, deadline: ChargingNetwork.Soon());
        var correction = await network.Station.CorrectSdrAsync(new CorrectSdrRequest { RequestId = "c", SdrId = original.SdrId, EnergyKwh = 20, Remark = "meter check: 20 kWh" }, deadline: ChargingNetwork.Soon());
        var again = await Assert.ThrowsAsync<RpcException>(async () =>
            await network.Station.CorrectSdrAsync(new CorrectSdrRequest { RequestId = "c2", SdrId = original.SdrId, EnergyKwh = 19, Remark = "again" }, deadline: ChargingNetwork.Soon()));
        var received = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, all => all.Count == 3 && all.Any(sdr => sdr.Status == SdrStatus.Corrected));

        // Credit: -12.80 / -15.23. New: 20 x 0.40 = 8.00 + 3.00 + 1.00 = 12.00 excl.; 19 % = 2.28; 14.28 incl.
        Assert.Equal((SdrStatus.Credit, original.SdrId, "-12.80", "-15.23"), (correction.CreditSdr.Status, correction.CreditSdr.CreditOfSdrId, correction.CreditSdr.Totals.TotalCostExclVat.Amount, correction.CreditSdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal((SdrStatus.New, original.SdrId, "12.00", "14.28"), (correction.CorrectedSdr.Status, correction.CorrectedSdr.ReplacesSdrId, correction.CorrectedSdr.Totals.TotalCostExclVat.Amount, correction.CorrectedSdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal((SdrStatus.Corrected, 3UL), (correction.OriginalSdr.Status, correction.OriginalSdr.Version));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), (again.StatusCode, ChargingNetwork.ReasonOf(again)));
        Assert.Equal(
            [SdrStatus.New, SdrStatus.Corrected, SdrStatus.Credit],
            received.Select(sdr => sdr.Status).Order());
    }

    [Fact]
    public async Task CsoRestartedMidSession_SessionCompletesAndSdrArrivesExactlyOnce()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var t0 = ChargingNetwork.SessionStart();
        var started = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "start", EvseId = ChargingNetwork.EvseId, Token = AppUser }, deadline: ChargingNetwork.Soon());
        var sessionId = started.Session.SessionId;
        await network.EventAsync(sessionId, SessionEventType.Started, t0, 0, started.CommandId);
        await network.MeterAsync(sessionId, t0.AddMinutes(30), 11, 22);

        await network.RestartCsoAsync();
        await network.MeterAsync(sessionId, t0.AddMinutes(60), 22, 22);
        await network.EventAsync(sessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), 22);
        await network.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(90), 22, stopReason: StopReason.EvDisconnected);
        var sdrs = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1);
        var relay = network.Endpoints.Cso.Services.GetRequiredService<OutboxRelay>();
        await TwoEndpoints.WaitUntilAsync(() => relay.IsDrainedAsync(CancellationToken.None).GetAwaiter().GetResult(), ChargingNetwork.Deadline, "the CSO's outbox is drained");
        var listed = await network.Sdrs.ListSdrsAsync(new ListSdrsRequest(), deadline: ChargingNetwork.Soon());
        var stoppedAgain = await Assert.ThrowsAsync<RpcException>(() => network.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(95), 22, stopReason: StopReason.Local));

        Assert.Equal(("15.23", 1UL), (sdrs[0].Totals.TotalCostInclVat.Amount, sdrs[0].Version));
        Assert.Equal([sdrs[0].SdrId], listed.Sdrs.Select(sdr => sdr.SdrId));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), (stoppedAgain.StatusCode, ChargingNetwork.ReasonOf(stoppedAgain)));
    }

    /// <summary>
    /// Remote start at t0, 11 kWh at +30 min, <paramref name="energyKwh"/> at +60 min when charging ends, remote stop
    /// at +90 min (30 min parking). Returns the session and the start and stop command ids.
    /// </summary>
    internal static async Task<(string SessionId, string StartCommand, string StopCommand)> RunSessionAsync(ChargingNetwork network, DateTimeOffset t0, double energyKwh)
    {
        var started = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "start", EvseId = ChargingNetwork.EvseId, Token = AppUser }, deadline: ChargingNetwork.Soon());
        var command = await network.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);
        var sessionId = command.SessionId;
        await network.EventAsync(sessionId, SessionEventType.Started, t0, 0, command.CommandId);
        await network.MeterAsync(sessionId, t0.AddMinutes(30), energyKwh / 2, 22, 40);
        await network.MeterAsync(sessionId, t0.AddMinutes(60), energyKwh, 22, 80);
        await network.EventAsync(sessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), energyKwh);
        var stop = await network.Charging.StopSessionAsync(new StopSessionRequest { RequestId = "stop", SessionId = sessionId }, deadline: ChargingNetwork.Soon());
        var stopCommand = await network.NextCommandAsync(candidate => candidate.CommandId == stop.CommandId);
        await network.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(90), energyKwh, stopCommand.CommandId, StopReason.Remote);
        return (sessionId, started.CommandId, stop.CommandId);
    }
}
