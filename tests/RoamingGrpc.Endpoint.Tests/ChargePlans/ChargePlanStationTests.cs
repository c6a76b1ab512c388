using RoamingGrpc.Cli.Simulator;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.ChargePlans;

/// <summary>
/// The simulator's station (<see cref="StationAgent"/>) against a real CSO: it executes charge plan commands and draws
/// no more power than the plan in force allows, from a start with a plan (UC3-2 with UC3-7) to a CSO override (UC3-10).
/// </summary>
public sealed class ChargePlanStationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartSession_WithChargePlan_AppliedFromTheStartAndStationDrawsWithinTheLimit()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var kit = await PlanKit.PrepareAsync(rig);
        using var agent = new StationAgent(rig.Station, new StringWriter());
        using var stop = new CancellationTokenSource();
        var station = Task.Run(() => agent.RunAsync(stop.Token));
        try
        {
            var started = await kit.StartAsync("start", PlanKit.CapableEvseId, PlanKit.Watts((0, 11_000)));
            var sessionId = started.Session.SessionId;
            await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.Result == CommandResultType.Started));
            var inForce = await kit.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingRig.Soon());
            var session = await rig.Charging.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }, deadline: ChargingRig.Soon());

            // The EV would take 30 kWh at 50 kW in the hour; the plan holds it to 11 kW.
            var delivered = await agent.ChargeAsync(sessionId, 30, 50, CancellationToken.None);
            var snapshot = await SnapshotAsync(rig, sessionId);

            Assert.Equal((started.CommandId, ChargePlanStatus.Active, ChargePlanSource.Csp), (inForce.ChargePlan.CommandId, inForce.ChargePlan.Status, inForce.ChargePlan.Source));
            Assert.Equal(session.Session.StartTime, inForce.ChargePlan.Spec.Schedule.StartTime); // applied when charging started
            Assert.Equal(11, delivered, 6);
            Assert.Equal(11, snapshot.EnergyKwh, 6);
            Assert.Equal((ChargePlanSource.Csp, 11_000.0), (snapshot.ChargePlan.Source, snapshot.ChargePlan.CurrentLimit));
        }
        finally
        {
            await stop.CancelAsync();
            await station;
        }
    }

    [Fact]
    public async Task SetChargePlan_StationAgentAcceptsAndLaterOverride_PowerFollowsThePlanInForce()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var kit = await PlanKit.PrepareAsync(rig);
        using var agent = new StationAgent(rig.Station, new StringWriter());
        using var stop = new CancellationTokenSource();
        var station = Task.Run(() => agent.RunAsync(stop.Token));
        try
        {
            var started = await kit.StartAsync("start", PlanKit.CapableEvseId);
            var sessionId = started.Session.SessionId;
            var set = await kit.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = PlanKit.Watts((0, 22_000)) }, deadline: ChargingRig.Soon());
            var outcomes = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == set.CommandId));
            var overridden = await agent.OverrideAsync(sessionId, PlanKit.Watts((0, 7_000)), ChargePlanUpdateReason.GridConstraint, "feeder at capacity", CancellationToken.None);

            var delivered = await agent.ChargeAsync(sessionId, 30, 50, CancellationToken.None);
            var snapshot = await SnapshotAsync(rig, sessionId);

            Assert.Equal(CommandResultType.Accepted, outcomes.Single(result => result.CommandId == set.CommandId).Result);
            Assert.Equal(ChargePlanSource.Cso, overridden.Source);
            Assert.Equal(7, delivered, 6);
            Assert.Equal(overridden.ChargePlanId, snapshot.ChargePlan.ChargePlanId);
            Assert.Equal(7, snapshot.EnergyKwh, 6);
        }
        finally
        {
            await stop.CancelAsync();
            await station;
        }
    }

    // The session's latest charging information, as a fresh WatchChargingInfo snapshot shows it.
    private static async Task<ChargingInfo> SnapshotAsync(ChargingRig rig, string sessionId)
    {
        using var call = rig.Charging.WatchChargingInfo(deadline: ChargingRig.Soon());
        await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = new WatchChargingInfoStart { Snapshot = true, SessionIds = { sessionId } } });
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.SnapshotItem is { } info)
            {
                return info;
            }
        }

        throw new InvalidOperationException("The snapshot ended without the session.");
    }
}
