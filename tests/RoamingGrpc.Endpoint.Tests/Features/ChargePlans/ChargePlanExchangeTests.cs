using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Tests.Features.ChargePlans;

/// <summary>
/// UC3-7 between a real CSO and two real CSPs over mutual TLS: a CSP sets, reads and clears the charge plan of its
/// session, the station executes the commands, and the CSO refuses what the session or its EVSE cannot take.
/// </summary>
public sealed class ChargePlanExchangeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SetChargePlan_StationAccepts_ActivePlanReadBackPushedThenCleared()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        var sessionId = await setup.ActiveSessionAsync("start", ChargePlanNetwork.CapableEvseId, ChargingNetwork.SessionStart());
        var spec = ChargePlanNetwork.Watts((0, 11_000), (30, 7_400));

        var set = await setup.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = spec }, deadline: ChargingNetwork.Soon());
        var retried = await setup.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = spec }, deadline: ChargingNetwork.Soon());
        var beforeStation = await ChargePlanNetwork.RefusedAsync(setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var command = await setup.ExecuteAsync(set.CommandId);
        var active = await setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());
        var pushed = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Status: ChargePlanStatus.Active }]);
        var outcome = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == set.CommandId));

        Assert.Equal(set, retried);
        Assert.Equal((ChargePlanStatus.Pending, ChargePlanSource.Csp, set.CommandId, spec), (set.ChargePlan.Status, set.ChargePlan.Source, set.ChargePlan.CommandId, set.ChargePlan.Spec));
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_CHARGE_PLAN", null), beforeStation); // pending is not in force yet
        Assert.Equal((CommandType.SetChargePlan, sessionId, ChargePlanNetwork.CapableEvseId, spec), (command.CommandType, command.SessionId, command.EvseId, command.ChargePlan));
        Assert.Equal(
            (set.ChargePlan.ChargePlanId, ChargePlanStatus.Active, ChargePlanSource.Csp, ChargePlanUpdateReason.CspRequest),
            (active.ChargePlan.ChargePlanId, active.ChargePlan.Status, active.ChargePlan.Source, active.ChargePlan.UpdateReason));
        Assert.Equal(spec.Schedule.Periods, active.ChargePlan.Spec.Schedule.Periods);
        Assert.NotNull(active.ChargePlan.Spec.Schedule.StartTime); // a schedule without start starts when applied
        Assert.True(active.ChargePlan.Version > set.ChargePlan.Version);
        Assert.Equal(active.ChargePlan, pushed[0]);
        Assert.Equal(CommandResultType.Accepted, outcome.Single(result => result.CommandId == set.CommandId).Result);

        var clear = await setup.Plans.ClearChargePlanAsync(new ClearChargePlanRequest { RequestId = "clear", SessionId = sessionId }, deadline: ChargingNetwork.Soon());
        var clearCommand = await setup.ExecuteAsync(clear.CommandId);
        var cleared = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Status: ChargePlanStatus.Cleared }]);
        var afterClear = await ChargePlanNetwork.RefusedAsync(setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var session = await network.Charging.GetSessionAsync(new GetSessionRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());

        Assert.Equal(CommandType.ClearChargePlan, clearCommand.CommandType);
        Assert.Equal((active.ChargePlan.ChargePlanId, ChargePlanUpdateReason.CspRequest), (cleared[0].ChargePlanId, cleared[0].UpdateReason));
        Assert.True(cleared[0].Version > active.ChargePlan.Version);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_CHARGE_PLAN", null), afterClear);
        Assert.Equal(SessionState.Active, session.Session.State);
    }

    [Fact]
    public async Task SetChargePlan_StationRejects_PreviousPlanStaysInForce()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        var sessionId = await setup.ActiveSessionAsync("start", ChargePlanNetwork.CapableEvseId, ChargingNetwork.SessionStart());
        var first = await setup.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "first", SessionId = sessionId, Spec = ChargePlanNetwork.Watts((0, 11_000)) }, deadline: ChargingNetwork.Soon());
        await setup.ExecuteAsync(first.CommandId);

        var preferences = new ChargePlanSpec { Preferences = new ChargingPreferences { ProfileType = ChargingProfileType.Green, EnergyNeedKwh = 20, DepartureTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(4)) } };
        var second = await setup.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "second", SessionId = sessionId, Spec = preferences }, deadline: ChargingNetwork.Soon());
        await setup.ExecuteAsync(second.CommandId, CommandResultType.Rejected);
        var outcome = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == second.CommandId));
        var inForce = await setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());

        Assert.Equal(CommandResultType.Rejected, outcome.Single(result => result.CommandId == second.CommandId).Result);
        Assert.Equal((first.ChargePlan.ChargePlanId, ChargePlanStatus.Active), (inForce.ChargePlan.ChargePlanId, inForce.ChargePlan.Status));
    }

    [Fact]
    public async Task SetChargePlan_AboveMaximumOtherCspsEndedIncapableOrMalformed_RefusedAndNothingSentToTheStation()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        var t0 = ChargingNetwork.SessionStart();
        var capable = await setup.ActiveSessionAsync("capable", ChargePlanNetwork.CapableEvseId, t0);
        var incapable = await setup.ActiveSessionAsync("incapable", ChargingNetwork.EvseId, t0);
        var ended = await setup.ActiveSessionAsync("ended", ChargingNetwork.SecondEvseId, t0);
        await network.EventAsync(ended, SessionEventType.Stopped, t0.AddMinutes(30), 5, stopReason: StopReason.Local);
        var preferences = new ChargePlanSpec { Preferences = new ChargingPreferences { ProfileType = ChargingProfileType.Cheap } };

        Task<SetChargePlanResponse> Set(ChargePlanService.ChargePlanServiceClient client, string requestId, string sessionId, ChargePlanSpec spec) =>
            client.SetChargePlanAsync(new SetChargePlanRequest { RequestId = requestId, SessionId = sessionId, Spec = spec }, deadline: ChargingNetwork.Soon()).ResponseAsync;

        var aboveMaximum = await ChargePlanNetwork.RefusedAsync(Set(setup.Plans, "above", capable, ChargePlanNetwork.Watts((0, 11_000), (15, ChargePlanNetwork.MaxPowerW + 1))));
        var otherCsp = await ChargePlanNetwork.RefusedAsync(Set(setup.OtherPlans, "other", capable, ChargePlanNetwork.Watts((0, 11_000))));
        var otherCspReads = await ChargePlanNetwork.RefusedAsync(setup.OtherPlans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = capable }, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var endedSession = await ChargePlanNetwork.RefusedAsync(Set(setup.Plans, "ended", ended, ChargePlanNetwork.Watts((0, 11_000))));
        var endedClear = await ChargePlanNetwork.RefusedAsync(setup.Plans.ClearChargePlanAsync(new ClearChargePlanRequest { RequestId = "ended-clear", SessionId = ended }, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var noSchedules = await ChargePlanNetwork.RefusedAsync(Set(setup.Plans, "incapable", incapable, ChargePlanNetwork.Watts((0, 11_000))));
        var noPreferences = await ChargePlanNetwork.RefusedAsync(Set(setup.Plans, "incapable-preferences", incapable, preferences));
        var notAtZero = await ChargePlanNetwork.RefusedAsync(Set(setup.Plans, "not-at-zero", capable, ChargePlanNetwork.Watts((5, 11_000))));
        var noUnit = ChargePlanNetwork.Watts((0, 11_000));
        noUnit.Schedule.RateUnit = ChargingRateUnit.Unspecified;
        var missingUnit = await ChargePlanNetwork.RefusedAsync(Set(setup.Plans, "no-unit", capable, noUnit));
        var amperes = ChargePlanNetwork.Watts((0, 201));
        amperes.Schedule.RateUnit = ChargingRateUnit.A;
        var aboveCurrent = await ChargePlanNetwork.RefusedAsync(Set(setup.Plans, "amperes", capable, amperes));
        var startIncapable = await ChargePlanNetwork.RefusedAsync(setup.StartAsync("start-incapable", ChargingNetwork.SecondEvseId, preferences));
        var open = await network.Endpoints.Cso.Services.GetRequiredService<ICommandStore>().OpenAsync(CancellationToken.None);
        var sessions = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

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
