using RoamingGrpc.Cli.Simulator;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.ChargePlans;

/// <summary>
/// The simulator's station (<see cref="StationAgent"/>) against a real CSO: it executes charge plan commands and draws
/// no more power than the plan in force allows, from a start with a plan (UC3-2 with UC3-7) to a CSO override (UC3-10).
/// </summary>
public sealed class ChargePlanStationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartSession_WithChargePlan_AppliedFromTheStartAndStationDrawsWithinTheLimit()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        using var agent = new StationAgent(network.Station, new StringWriter());
        using var stop = new CancellationTokenSource();
        var station = Task.Run(() => agent.RunAsync(stop.Token));
        try
        {
            var started = await setup.StartAsync("start", ChargePlanNetwork.CapableEvseId, ChargePlanNetwork.Watts((0, 11_000)));
            var sessionId = started.Session.SessionId;
            await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.Result == CommandResultType.Started));
            var inForce = await setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());
            var session = await network.Charging.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());

            // The EV would take 30 kWh at 50 kW in the hour; the plan holds it to 11 kW.
            var delivered = await agent.ChargeAsync(sessionId, 30, 50, CancellationToken.None);
            var snapshot = await SnapshotAsync(network, sessionId);

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
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        using var agent = new StationAgent(network.Station, new StringWriter());
        using var stop = new CancellationTokenSource();
        var station = Task.Run(() => agent.RunAsync(stop.Token));
        try
        {
            var started = await setup.StartAsync("start", ChargePlanNetwork.CapableEvseId);
            var sessionId = started.Session.SessionId;
            var set = await setup.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = ChargePlanNetwork.Watts((0, 22_000)) }, deadline: ChargingNetwork.Soon());
            var outcomes = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == set.CommandId));
            var overridden = await agent.OverrideAsync(sessionId, ChargePlanNetwork.Watts((0, 7_000)), ChargePlanUpdateReason.GridConstraint, "feeder at capacity", CancellationToken.None);

            var delivered = await agent.ChargeAsync(sessionId, 30, 50, CancellationToken.None);
            var snapshot = await SnapshotAsync(network, sessionId);

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
    private static async Task<ChargingInfo> SnapshotAsync(ChargingNetwork network, string sessionId)
    {
        using var call = network.Charging.WatchChargingInfo(deadline: ChargingNetwork.Soon());
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
