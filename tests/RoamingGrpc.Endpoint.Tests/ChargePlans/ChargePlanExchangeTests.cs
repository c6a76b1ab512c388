using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Tests.ChargePlans;

/// <summary>
/// UC3-7 between a real CSO and two real CSPs over mutual TLS: a CSP sets, reads and clears the charge plan of its
/// session, the station executes the commands, and the CSO refuses what the session or its EVSE cannot take.
/// </summary>
public sealed class ChargePlanExchangeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SetChargePlan_StationAccepts_ActivePlanReadBackPushedThenCleared()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var kit = await PlanKit.PrepareAsync(rig);
        var sessionId = await kit.ActiveSessionAsync("start", PlanKit.CapableEvseId, ChargingRig.SessionStart());
        var spec = PlanKit.Watts((0, 11_000), (30, 7_400));

        var set = await kit.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = spec }, deadline: ChargingRig.Soon());
        var retried = await kit.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = spec }, deadline: ChargingRig.Soon());
        var beforeStation = await PlanKit.RefusedAsync(kit.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingRig.Soon()).ResponseAsync);
        var command = await kit.ExecuteAsync(set.CommandId);
        var active = await kit.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingRig.Soon());
        var pushed = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Status: ChargePlanStatus.Active }]);
        var outcome = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == set.CommandId));

        Assert.Equal(set, retried);
        Assert.Equal((ChargePlanStatus.Pending, ChargePlanSource.Csp, set.CommandId, spec), (set.ChargePlan.Status, set.ChargePlan.Source, set.ChargePlan.CommandId, set.ChargePlan.Spec));
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_CHARGE_PLAN", null), beforeStation); // pending is not in force yet
        Assert.Equal((CommandType.SetChargePlan, sessionId, PlanKit.CapableEvseId, spec), (command.CommandType, command.SessionId, command.EvseId, command.ChargePlan));
        Assert.Equal(
            (set.ChargePlan.ChargePlanId, ChargePlanStatus.Active, ChargePlanSource.Csp, ChargePlanUpdateReason.CspRequest),
            (active.ChargePlan.ChargePlanId, active.ChargePlan.Status, active.ChargePlan.Source, active.ChargePlan.UpdateReason));
        Assert.Equal(spec.Schedule.Periods, active.ChargePlan.Spec.Schedule.Periods);
        Assert.NotNull(active.ChargePlan.Spec.Schedule.StartTime); // a schedule without start starts when applied
        Assert.True(active.ChargePlan.Version > set.ChargePlan.Version);
        Assert.Equal(active.ChargePlan, pushed[0]);
        Assert.Equal(CommandResultType.Accepted, outcome.Single(result => result.CommandId == set.CommandId).Result);

        var clear = await kit.Plans.ClearChargePlanAsync(new ClearChargePlanRequest { RequestId = "clear", SessionId = sessionId }, deadline: ChargingRig.Soon());
        var clearCommand = await kit.ExecuteAsync(clear.CommandId);
        var cleared = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Status: ChargePlanStatus.Cleared }]);
        var afterClear = await PlanKit.RefusedAsync(kit.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingRig.Soon()).ResponseAsync);
        var session = await rig.Charging.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }, deadline: ChargingRig.Soon());

        Assert.Equal(CommandType.ClearChargePlan, clearCommand.CommandType);
        Assert.Equal((active.ChargePlan.ChargePlanId, ChargePlanUpdateReason.CspRequest), (cleared[0].ChargePlanId, cleared[0].UpdateReason));
        Assert.True(cleared[0].Version > active.ChargePlan.Version);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_CHARGE_PLAN", null), afterClear);
        Assert.Equal(SessionState.Active, session.Session.State);
    }

    [Fact]
    public async Task SetChargePlan_StationRejects_PreviousPlanStaysInForce()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var kit = await PlanKit.PrepareAsync(rig);
        var sessionId = await kit.ActiveSessionAsync("start", PlanKit.CapableEvseId, ChargingRig.SessionStart());
        var first = await kit.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "first", SessionId = sessionId, Spec = PlanKit.Watts((0, 11_000)) }, deadline: ChargingRig.Soon());
        await kit.ExecuteAsync(first.CommandId);

        var preferences = new ChargePlanSpec { Preferences = new ChargingPreferences { ProfileType = ChargingProfileType.Green, EnergyNeedKwh = 20, DepartureTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(4)) } };
        var second = await kit.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "second", SessionId = sessionId, Spec = preferences }, deadline: ChargingRig.Soon());
        await kit.ExecuteAsync(second.CommandId, CommandResultType.Rejected);
        var outcome = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == second.CommandId));
        var inForce = await kit.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingRig.Soon());

        Assert.Equal(CommandResultType.Rejected, outcome.Single(result => result.CommandId == second.CommandId).Result);
        Assert.Equal((first.ChargePlan.ChargePlanId, ChargePlanStatus.Active), (inForce.ChargePlan.ChargePlanId, inForce.ChargePlan.Status));
    }

    [Fact]
    public async Task SetChargePlan_AboveMaximumOtherCspsEndedIncapableOrMalformed_RefusedAndNothingSentToTheStation()
    {
        await using var rig = await ChargingRig.StartAsync(output);
        var kit = await PlanKit.PrepareAsync(rig);
        var t0 = ChargingRig.SessionStart();
        var capable = await kit.ActiveSessionAsync("capable", PlanKit.CapableEvseId, t0);
        var incapable = await kit.ActiveSessionAsync("incapable", ChargingRig.EvseId, t0);
        var ended = await kit.ActiveSessionAsync("ended", ChargingRig.SecondEvseId, t0);
        await rig.EventAsync(ended, SessionEventType.Stopped, t0.AddMinutes(30), 5, stopReason: StopReason.Local);
        var preferences = new ChargePlanSpec { Preferences = new ChargingPreferences { ProfileType = ChargingProfileType.Cheap } };

        Task<SetChargePlanResponse> Set(ChargePlanService.ChargePlanServiceClient client, string requestId, string sessionId, ChargePlanSpec spec) =>
            client.SetChargePlanAsync(new SetChargePlanRequest { RequestId = requestId, SessionId = sessionId, Spec = spec }, deadline: ChargingRig.Soon()).ResponseAsync;

        var aboveMaximum = await PlanKit.RefusedAsync(Set(kit.Plans, "above", capable, PlanKit.Watts((0, 11_000), (15, PlanKit.MaxPowerW + 1))));
        var otherCsp = await PlanKit.RefusedAsync(Set(kit.OtherPlans, "other", capable, PlanKit.Watts((0, 11_000))));
        var otherCspReads = await PlanKit.RefusedAsync(kit.OtherPlans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = capable }, deadline: ChargingRig.Soon()).ResponseAsync);
        var endedSession = await PlanKit.RefusedAsync(Set(kit.Plans, "ended", ended, PlanKit.Watts((0, 11_000))));
        var endedClear = await PlanKit.RefusedAsync(kit.Plans.ClearChargePlanAsync(new ClearChargePlanRequest { RequestId = "ended-clear", SessionId = ended }, deadline: ChargingRig.Soon()).ResponseAsync);
        var noSchedules = await PlanKit.RefusedAsync(Set(kit.Plans, "incapable", incapable, PlanKit.Watts((0, 11_000))));
        var noPreferences = await PlanKit.RefusedAsync(Set(kit.Plans, "incapable-preferences", incapable, preferences));
        var notAtZero = await PlanKit.RefusedAsync(Set(kit.Plans, "not-at-zero", capable, PlanKit.Watts((5, 11_000))));
        var noUnit = PlanKit.Watts((0, 11_000));
        noUnit.Schedule.RateUnit = ChargingRateUnit.Unspecified;
        var missingUnit = await PlanKit.RefusedAsync(Set(kit.Plans, "no-unit", capable, noUnit));
        var amperes = PlanKit.Watts((0, 201));
        amperes.Schedule.RateUnit = ChargingRateUnit.A;
        var aboveCurrent = await PlanKit.RefusedAsync(Set(kit.Plans, "amperes", capable, amperes));
        var startIncapable = await PlanKit.RefusedAsync(kit.StartAsync("start-incapable", ChargingRig.SecondEvseId, preferences));
        var open = await rig.Endpoints.Cso.Services.GetRequiredService<ICommandStore>().OpenAsync(CancellationToken.None);
        var sessions = await rig.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingRig.Soon());

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD", "spec.schedule.periods[1].limit"), aboveMaximum);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION", null), otherCsp);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION", null), otherCspReads);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE", null), endedSession);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE", null), endedClear);
        Assert.Equal((StatusCode.FailedPrecondition, "NOT_CHARGE_PLAN_CAPABLE", null), noSchedules);
        Assert.Equal((StatusCode.FailedPrecondition, "NOT_CHARGE_PLAN_CAPABLE", null), noPreferences);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD", "spec.schedule.periods[0].start_offset"), notAtZero);
        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD", "spec.schedule.rate_unit"), missingUnit);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD", "spec.schedule.periods[0].limit"), aboveCurrent);
        Assert.Equal((StatusCode.FailedPrecondition, "NOT_CHARGE_PLAN_CAPABLE", null), startIncapable);
        Assert.Equal(3, sessions.Sessions.Count); // the refused start created no session
        Assert.Empty(open);
    }
}
