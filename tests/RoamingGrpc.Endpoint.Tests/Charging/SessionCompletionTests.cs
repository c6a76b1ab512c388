using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Charging;

/// <summary>
/// UC3-5 / UC3-9: a remotely started session runs, stops, is priced into an SDR that reaches the CSP exactly once, and
/// the CSP accepts or disputes it; a dispute is corrected by a credit and a new SDR. Hand-computed totals with the
/// rig's tariff (0.40 EUR/kWh, 6.00 EUR per parking hour, 1.00 EUR flat, 19 % VAT).
/// </summary>
public sealed class SessionCompletionTests(ITestOutputHelper output)
{
    private static readonly TokenRef AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" };

    [Fact]
    public async Task RemoteSession_StartMeterStop_SdrHandComputedPushedOnceThenAccepted()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var t0 = ChargingRig.SessionStart();

        var (sessionId, startCommand, stopCommand) = await RunSessionAsync(rig, t0, energyKwh: 22);
        var sdrs = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1);
        var results = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 2);
        var sessions = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.Session.Name, Session.Parser, received => received is [{ State: SessionState.Completed }]);
        var sdr = sdrs[0];

        // 22 kWh x 0.40 = 8.80; 30 min parking x 6.00/h = 3.00; flat 1.00 -> 12.80 excl. VAT; 19 % = 2.432 -> 2.43; 15.23 incl.
        Assert.Equal(("12.80", "15.23", "EUR"), (sdr.Totals.TotalCostExclVat.Amount, sdr.Totals.TotalCostInclVat.Amount, sdr.Currency));
        Assert.Equal(("8.80", "3.00", "1.00"), (sdr.Totals.TotalEnergyCostExclVat.Amount, sdr.Totals.TotalParkingCostExclVat.Amount, sdr.Totals.TotalFixedCostExclVat.Amount));
        Assert.Equal(22, sdr.Totals.TotalEnergyKwh, 3);
        Assert.Equal(TimeSpan.FromMinutes(60), sdr.Totals.TotalTime.ToTimeSpan());
        Assert.Equal(TimeSpan.FromMinutes(30), sdr.Totals.TotalParkingTime.ToTimeSpan());
        Assert.Equal((sessionId, SdrStatus.New, ChargingRig.EvseId, ChargingRig.SiteId), (sdr.SessionId, sdr.Status, sdr.Location.EvseId, sdr.Location.SiteId));
        Assert.Equal((t0, t0.AddMinutes(90)), (sdr.StartTime.ToDateTimeOffset(), sdr.EndTime.ToDateTimeOffset()));
        Assert.Equal([ChargingRig.TariffId], sdr.Tariffs.Select(tariff => tariff.TariffId));
        Assert.Equal((AuthorizationMethod.Command, startCommand), (sdr.AuthorizationMethod, sdr.AuthorizationReference));
        Assert.Equal(
            [(startCommand, CommandResultType.Started), (stopCommand, CommandResultType.Stopped)],
            results.OrderBy(result => result.CommandType).Select(result => (result.CommandId, result.Result)));
        Assert.Equal((StopReason.Remote, "15.23"), (sessions[0].StopReason, sessions[0].CostInclVat.Amount));

        var accepted = await rig.Sdrs.AcceptSdrAsync(new AcceptSdrRequest { RequestId = "accept", SdrId = sdr.SdrId }, deadline: ChargingRig.Soon());
        var disputeAfterAccept = await Assert.ThrowsAsync<RpcException>(async () =>
            await rig.Sdrs.DisputeSdrAsync(new DisputeSdrRequest { RequestId = "dispute", SdrId = sdr.SdrId, Reason = SdrDisputeReason.WrongPrice }, deadline: ChargingRig.Soon()));
        var pushedAgain = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received is [{ Status: SdrStatus.Accepted }]);
        var inPeriod = await rig.Sdrs.ListSdrsAsync(new ListSdrsRequest { StartTime = Timestamp.FromDateTimeOffset(t0), EndTime = Timestamp.FromDateTimeOffset(t0.AddHours(2)) }, deadline: ChargingRig.Soon());
        var beforePeriod = await rig.Sdrs.ListSdrsAsync(new ListSdrsRequest { EndTime = Timestamp.FromDateTimeOffset(t0.AddMinutes(90)) }, deadline: ChargingRig.Soon());
        var theirs = await new SdrService.SdrServiceClient(rig.Endpoints.Channel(rig.OtherCertificates, ChargingRig.OtherCsp, rig.Endpoints.Cso))
            .ListSdrsAsync(new ListSdrsRequest(), deadline: ChargingRig.Soon());

        Assert.Equal((SdrStatus.Accepted, 2UL), (accepted.Sdr.Status, accepted.Sdr.Version));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), (disputeAfterAccept.StatusCode, ChargingRig.ReasonOf(disputeAfterAccept)));
        Assert.Equal(2UL, pushedAgain[0].Version);
        Assert.Equal([sdr.SdrId], inPeriod.Sdrs.Select(listed => listed.SdrId));
        Assert.Empty(beforePeriod.Sdrs);
        Assert.Empty(theirs.Sdrs);
    }

    [Fact]
    public async Task DisputedSdr_Corrected_CreditReversesAndNewSdrRepricedAllPushed()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        await RunSessionAsync(rig, ChargingRig.SessionStart(), energyKwh: 22);
        var original = (await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1))[0];

        await rig.Sdrs.DisputeSdrAsync(new DisputeSdrRequest { RequestId = "d", SdrId = original.SdrId, Reason = SdrDisputeReason.WrongEnergy, Detail = "meter says 20 kWh" }, deadline: ChargingRig.Soon());
        var correction = await rig.Station.CorrectSdrAsync(new CorrectSdrRequest { RequestId = "c", SdrId = original.SdrId, EnergyKwh = 20, Remark = "meter check: 20 kWh" }, deadline: ChargingRig.Soon());
        var again = await Assert.ThrowsAsync<RpcException>(async () =>
            await rig.Station.CorrectSdrAsync(new CorrectSdrRequest { RequestId = "c2", SdrId = original.SdrId, EnergyKwh = 19, Remark = "again" }, deadline: ChargingRig.Soon()));
        var received = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, all => all.Count == 3 && all.Any(sdr => sdr.Status == SdrStatus.Corrected));

        // Credit: -12.80 / -15.23. New: 20 x 0.40 = 8.00 + 3.00 + 1.00 = 12.00 excl.; 19 % = 2.28; 14.28 incl.
        Assert.Equal((SdrStatus.Credit, original.SdrId, "-12.80", "-15.23"), (correction.CreditSdr.Status, correction.CreditSdr.CreditOfSdrId, correction.CreditSdr.Totals.TotalCostExclVat.Amount, correction.CreditSdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal((SdrStatus.New, original.SdrId, "12.00", "14.28"), (correction.CorrectedSdr.Status, correction.CorrectedSdr.ReplacesSdrId, correction.CorrectedSdr.Totals.TotalCostExclVat.Amount, correction.CorrectedSdr.Totals.TotalCostInclVat.Amount));
        Assert.Equal((SdrStatus.Corrected, 3UL), (correction.OriginalSdr.Status, correction.OriginalSdr.Version));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), (again.StatusCode, ChargingRig.ReasonOf(again)));
        Assert.Equal(
            [SdrStatus.New, SdrStatus.Corrected, SdrStatus.Credit],
            received.Select(sdr => sdr.Status).Order());
    }

    [Fact]
    public async Task CsoRestartedMidSession_SessionCompletesAndSdrArrivesExactlyOnce()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var t0 = ChargingRig.SessionStart();
        var started = await rig.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "start", EvseId = ChargingRig.EvseId, Token = AppUser }, deadline: ChargingRig.Soon());
        var sessionId = started.Session.SessionId;
        await rig.EventAsync(sessionId, SessionEventType.Started, t0, 0, started.CommandId);
        await rig.MeterAsync(sessionId, t0.AddMinutes(30), 11, 22);

        await rig.RestartCsoAsync();
        await rig.MeterAsync(sessionId, t0.AddMinutes(60), 22, 22);
        await rig.EventAsync(sessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), 22);
        await rig.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(90), 22, stopReason: StopReason.EvDisconnected);
        var sdrs = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.Sdr.Name, Sdr.Parser, received => received.Count == 1);
        var relay = rig.Endpoints.Cso.Services.GetRequiredService<OutboxRelay>();
        await TwoEndpoints.WaitUntilAsync(() => relay.IsDrainedAsync(CancellationToken.None).GetAwaiter().GetResult(), ChargingRig.Deadline, "the CSO's outbox is drained");
        var listed = await rig.Sdrs.ListSdrsAsync(new ListSdrsRequest(), deadline: ChargingRig.Soon());
        var stoppedAgain = await Assert.ThrowsAsync<RpcException>(() => rig.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(95), 22, stopReason: StopReason.Local));

        Assert.Equal(("15.23", 1UL), (sdrs[0].Totals.TotalCostInclVat.Amount, sdrs[0].Version));
        Assert.Equal([sdrs[0].SdrId], listed.Sdrs.Select(sdr => sdr.SdrId));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), (stoppedAgain.StatusCode, ChargingRig.ReasonOf(stoppedAgain)));
    }

    /// <summary>
    /// Remote start at t0, 11 kWh at +30 min, <paramref name="energyKwh"/> at +60 min when charging ends, remote stop
    /// at +90 min (30 min parking). Returns the session and the start and stop command ids.
    /// </summary>
    internal static async Task<(string SessionId, string StartCommand, string StopCommand)> RunSessionAsync(ChargingRig rig, DateTimeOffset t0, double energyKwh)
    {
        var started = await rig.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "start", EvseId = ChargingRig.EvseId, Token = AppUser }, deadline: ChargingRig.Soon());
        var command = await rig.NextCommandAsync(candidate => candidate.CommandId == started.CommandId);
        var sessionId = command.SessionId;
        await rig.EventAsync(sessionId, SessionEventType.Started, t0, 0, command.CommandId);
        await rig.MeterAsync(sessionId, t0.AddMinutes(30), energyKwh / 2, 22, 40);
        await rig.MeterAsync(sessionId, t0.AddMinutes(60), energyKwh, 22, 80);
        await rig.EventAsync(sessionId, SessionEventType.ChargingEnded, t0.AddMinutes(60), energyKwh);
        var stop = await rig.Charging.StopSessionAsync(new StopSessionRequest { RequestId = "stop", SessionId = sessionId }, deadline: ChargingRig.Soon());
        var stopCommand = await rig.NextCommandAsync(candidate => candidate.CommandId == stop.CommandId);
        await rig.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(90), energyKwh, stopCommand.CommandId, StopReason.Remote);
        return (sessionId, started.CommandId, stop.CommandId);
    }
}
