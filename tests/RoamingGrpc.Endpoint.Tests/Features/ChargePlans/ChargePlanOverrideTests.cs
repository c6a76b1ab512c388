using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.ChargePlans;

/// <summary>
/// UC3-10 between a real CSO and CSP over mutual TLS: the CSO's back office overrides the plan of a session (a grid
/// limit); the CSP learns it by durable push with the reason and on its charging-information stream, and gets its own
/// plan back when the override ends.
/// </summary>
public sealed class ChargePlanOverrideTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OverrideChargePlan_GridLimitThenEnded_CspInformedWithReasonOnPushAndStream_CspPlanRestored()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        var sessionId = await setup.ActiveSessionAsync("start", ChargePlanNetwork.CapableEvseId, ChargingNetwork.SessionStart());
        var set = await setup.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = ChargePlanNetwork.Watts((0, 11_000)) }, deadline: ChargingNetwork.Soon());
        await setup.ExecuteAsync(set.CommandId);
        var cspPlan = (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Status: ChargePlanStatus.Active }]))[0];
        using var stream = await OpenAsync(network.Charging);

        var overridden = await network.Station.OverrideChargePlanAsync(
            new OverrideChargePlanRequest { RequestId = "grid", SessionId = sessionId, Spec = ChargePlanNetwork.Watts((0, 5_000)), Reason = ChargePlanUpdateReason.GridConstraint, ReasonDetail = "DSO congestion signal" },
            deadline: ChargingNetwork.Soon());
        var pushedOverride = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Source: ChargePlanSource.Cso }]);
        var streamedOverride = await NextPlanInfoAsync(stream, info => info.ChargePlan.Source == ChargePlanSource.Cso);
        var readOverride = await setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());

        Assert.Equal(
            (ChargePlanSource.Cso, ChargePlanStatus.Active, ChargePlanUpdateReason.GridConstraint, "DSO congestion signal"),
            (overridden.ChargePlan.Source, overridden.ChargePlan.Status, overridden.ChargePlan.UpdateReason, overridden.ChargePlan.ReasonDetail));
        Assert.Equal(overridden.ChargePlan, pushedOverride[0]);
        Assert.True(pushedOverride[0].Version > cspPlan.Version);
        Assert.Equal(overridden.ChargePlan, readOverride.ChargePlan);
        Assert.Equal(
            (overridden.ChargePlan.ChargePlanId, ChargePlanUpdateReason.GridConstraint, ChargingRateUnit.W, 5_000.0),
            (streamedOverride.ChargePlan.ChargePlanId, streamedOverride.ChargePlan.UpdateReason, streamedOverride.ChargePlan.RateUnit, streamedOverride.ChargePlan.CurrentLimit));
        Assert.Equal((sessionId, SessionState.Active), (streamedOverride.SessionId, streamedOverride.State));

        var ended = await network.Station.OverrideChargePlanAsync(
            new OverrideChargePlanRequest { RequestId = "grid-over", SessionId = sessionId, Reason = ChargePlanUpdateReason.GridConstraint, ReasonDetail = "congestion over" },
            deadline: ChargingNetwork.Soon());
        var pushedRestore = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Source: ChargePlanSource.Csp }]);
        var streamedRestore = await NextPlanInfoAsync(stream, info => info.ChargePlan.Source == ChargePlanSource.Csp);
        var readRestore = await setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());

        Assert.Equal(
            (cspPlan.ChargePlanId, ChargePlanSource.Csp, ChargePlanStatus.Active, ChargePlanUpdateReason.GridConstraint, "congestion over"),
            (ended.ChargePlan.ChargePlanId, ended.ChargePlan.Source, ended.ChargePlan.Status, ended.ChargePlan.UpdateReason, ended.ChargePlan.ReasonDetail));
        Assert.Equal(cspPlan.Spec, ended.ChargePlan.Spec);
        Assert.Equal(ended.ChargePlan, pushedRestore[0]);
        Assert.True(pushedRestore[0].Version > pushedOverride[0].Version);
        Assert.Equal(ended.ChargePlan, readRestore.ChargePlan);
        Assert.Equal((cspPlan.ChargePlanId, 11_000.0), (streamedRestore.ChargePlan.ChargePlanId, streamedRestore.ChargePlan.CurrentLimit));
    }

    [Fact]
    public async Task OverrideChargePlan_SetUnderOverrideThenSessionEnds_OverrideStaysInForceAndPlanClearedWithSessionEnded()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        var t0 = ChargingNetwork.SessionStart();
        var sessionId = await setup.ActiveSessionAsync("start", ChargePlanNetwork.CapableEvseId, t0);
        var overridden = await network.Station.OverrideChargePlanAsync(
            new OverrideChargePlanRequest { RequestId = "load", SessionId = sessionId, Spec = ChargePlanNetwork.Watts((0, 3_000)), Reason = ChargePlanUpdateReason.LocalLoadManagement },
            deadline: ChargingNetwork.Soon());

        var set = await setup.Plans.SetChargePlanAsync(new SetChargePlanRequest { RequestId = "set", SessionId = sessionId, Spec = ChargePlanNetwork.Watts((0, 11_000)) }, deadline: ChargingNetwork.Soon());
        await setup.ExecuteAsync(set.CommandId);
        await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Any(result => result.CommandId == set.CommandId));
        var underOverride = await setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon());
        await network.EventAsync(sessionId, SessionEventType.Stopped, t0.AddMinutes(40), 2, stopReason: StopReason.EvDisconnected);
        var cleared = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, received => received is [{ Status: ChargePlanStatus.Cleared }]);
        var afterEnd = await ChargePlanNetwork.RefusedAsync(setup.Plans.GetChargePlanAsync(new GetChargePlanRequest { SessionId = sessionId }, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var overrideAfterEnd = await ChargePlanNetwork.RefusedAsync(network.Station.OverrideChargePlanAsync(
            new OverrideChargePlanRequest { RequestId = "late", SessionId = sessionId, Spec = ChargePlanNetwork.Watts((0, 3_000)), Reason = ChargePlanUpdateReason.GridConstraint },
            deadline: ChargingNetwork.Soon()).ResponseAsync);

        Assert.Equal(overridden.ChargePlan, underOverride.ChargePlan);
        Assert.Equal((overridden.ChargePlan.ChargePlanId, ChargePlanUpdateReason.SessionEnded), (cleared[0].ChargePlanId, cleared[0].UpdateReason));
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_CHARGE_PLAN", null), afterEnd);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE", null), overrideAfterEnd);
    }

    [Fact]
    public async Task OverrideChargePlan_UnknownSessionNoReasonCspReasonOrNothingToEnd_Refused()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var setup = await ChargePlanNetwork.PrepareAsync(network);
        var sessionId = await setup.ActiveSessionAsync("start", ChargePlanNetwork.CapableEvseId, ChargingNetwork.SessionStart());

        Task<OverrideChargePlanResponse> Override(string requestId, string session, ChargePlanSpec? spec, ChargePlanUpdateReason reason) =>
            network.Station.OverrideChargePlanAsync(new OverrideChargePlanRequest { RequestId = requestId, SessionId = session, Spec = spec, Reason = reason }, deadline: ChargingNetwork.Soon()).ResponseAsync;

        var unknown = await ChargePlanNetwork.RefusedAsync(Override("unknown", "no-such-session", ChargePlanNetwork.Watts((0, 3_000)), ChargePlanUpdateReason.GridConstraint));
        var noReason = await ChargePlanNetwork.RefusedAsync(Override("no-reason", sessionId, ChargePlanNetwork.Watts((0, 3_000)), ChargePlanUpdateReason.Unspecified));
        var cspReason = await ChargePlanNetwork.RefusedAsync(Override("csp-reason", sessionId, ChargePlanNetwork.Watts((0, 3_000)), ChargePlanUpdateReason.CspRequest));
        var aboveMaximum = await ChargePlanNetwork.RefusedAsync(Override("above", sessionId, ChargePlanNetwork.Watts((0, ChargePlanNetwork.MaxPowerW * 2)), ChargePlanUpdateReason.GridConstraint));
        var nothingToEnd = await ChargePlanNetwork.RefusedAsync(Override("nothing", sessionId, null, ChargePlanUpdateReason.GridConstraint));

        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SESSION", null), unknown);
        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD", "reason"), noReason);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD", "reason"), cspReason);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD", "spec.schedule.periods[0].limit"), aboveMaximum);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_CHARGE_PLAN", null), nothingToEnd);
    }

    private static async Task<AsyncDuplexStreamingCall<WatchChargingInfoRequest, WatchChargingInfoResponse>> OpenAsync(ChargingService.ChargingServiceClient client)
    {
        var call = client.WatchChargingInfo(deadline: ChargingNetwork.Soon());
        await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = new WatchChargingInfoStart { MaxInFlight = 100, ResumeAfterSequence = 0 } });
        return call;
    }

    // The next charging information on the stream that carries a plan matching `which` (acking everything read).
    private static async Task<ChargingInfo> NextPlanInfoAsync(AsyncDuplexStreamingCall<WatchChargingInfoRequest, WatchChargingInfoResponse> call, Func<ChargingInfo, bool> which)
    {
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Event is not { } streamEvent)
            {
                continue;
            }

            await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Ack = new StreamAck { Sequence = streamEvent.Sequence } });
            if (streamEvent.ChargingInfo is { ChargePlan: not null } info && which(info))
            {
                return info;
            }
        }

        throw new InvalidOperationException("The charging-information stream ended without the expected plan.");
    }
}
