using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// UC3-1 at one EVSE, session after session: the user presents the worker's RFID card (PresentToken: the CSO
/// authorizes online at the CSP, or from the offline list while the CSP is down), the station reports the status,
/// STARTED, meter values and STOPPED (the SDR follows); every other session the CSO's load management overrides the
/// charge plan (UC3-10). Each PresentToken is asked again with the same request_id right away and once more at the
/// end of the session (after whatever kills happened): the answer must be the first one.
/// </summary>
internal sealed class LocalCharging(ChaosContext context, Slot slot, Random random)
{
    public async Task RunAsync(CancellationToken stop, CancellationToken cancellationToken)
    {
        while (!stop.IsCancellationRequested)
        {
            await SessionAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SessionAsync(CancellationToken cancellationToken)
    {
        var present = new PresentTokenRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            EvseId = slot.EvseId,
            IdentificationMethod = IdentificationMethod.Rfid,
            Token = new TokenRef { Uid = slot.Token.Uid, Type = slot.Token.Type },
        };
        var answer = await PresentAsync(present, cancellationToken).ConfigureAwait(false);
        context.Ledger.Authorization();
        context.Ledger.Authorizations[present.RequestId] = answer;
        await RepeatAsync(present, answer, cancellationToken).ConfigureAwait(false);
        if (answer.Status != AuthorizationStatus.Allowed || answer.Session is null)
        {
            throw new ReliabilityException($"PresentToken {present.RequestId} for a valid token at a free EVSE: {answer.Status} ({answer.AuthorizationMethod})");
        }

        var sessionId = answer.Session.SessionId;
        var plan = random.Next(2) == 0;
        var run = new SessionRun(plan ? "local with plan override" : "local", sessionId, slot.EvseId, slot.Token.Uid);
        run.Versions.Add(answer.Session.Version);
        context.Ledger.Sessions[sessionId] = run;
        context.Ledger.LocalStart();

        var start = ChaosContext.SessionStart();
        await context.ReportStatusAsync(slot.EvseId, EvseStatus.Charging, cancellationToken).ConfigureAwait(false);
        run.Versions.Add((await context.SessionEventAsync(sessionId, SessionEventType.Started, start, 0, string.Empty, StopReason.Unspecified, cancellationToken).ConfigureAwait(false)).Version);
        if (plan)
        {
            var request = new OverrideChargePlanRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                SessionId = sessionId,
                Reason = ChargePlanUpdateReason.GridConstraint,
                ReasonDetail = "chaos run: transformer load",
                Spec = new ChargePlanSpec
                {
                    Schedule = new ChargingSchedule
                    {
                        RateUnit = ChargingRateUnit.W,
                        Periods = { new ChargingSchedulePeriod { StartOffset = Duration.FromTimeSpan(TimeSpan.Zero), Limit = 11_000 } },
                    },
                },
            };
            var overridden = await context.Retrying.CallAsync("OverrideChargePlan", options => context.Pair.CsoBackoffice.OverrideChargePlanAsync(request, options), cancellationToken).ConfigureAwait(false);
            run.PlanVersion = overridden.ChargePlan.Version;
            context.Ledger.Changed("charge_plan");
        }

        await context.MeterValuesAsync(sessionId, start, cancellationToken).ConfigureAwait(false);
        run.EnergyKwh = 12.5;
        var stopped = await context.SessionEventAsync(sessionId, SessionEventType.Stopped, start.AddMinutes(50), run.EnergyKwh, string.Empty, StopReason.Local, cancellationToken).ConfigureAwait(false);
        run.Versions.Add(stopped.Version);
        run.Completed = stopped.State == SessionState.Completed;
        await context.ReportStatusAsync(slot.EvseId, EvseStatus.Available, cancellationToken).ConfigureAwait(false);
        await RepeatAsync(present, answer, cancellationToken).ConfigureAwait(false);
    }

    private Task<PresentTokenResponse> PresentAsync(PresentTokenRequest request, CancellationToken cancellationToken) =>
        context.Retrying.CallAsync("PresentToken", options => context.Pair.CsoBackoffice.PresentTokenAsync(request, options), cancellationToken);

    // The same request again: the first answer (decision, how it was taken, reference, session) must come back.
    private async Task RepeatAsync(PresentTokenRequest request, PresentTokenResponse first, CancellationToken cancellationToken)
    {
        var again = await PresentAsync(request, cancellationToken).ConfigureAwait(false);
        context.Ledger.AuthorizationRepeat();
        if (again.Status != first.Status || again.AuthorizationMethod != first.AuthorizationMethod
            || again.AuthorizationReference != first.AuthorizationReference || again.Session?.SessionId != first.Session?.SessionId)
        {
            context.Ledger.Violation(
                $"PresentToken {request.RequestId} answered {first.Status}/{first.AuthorizationMethod}/session {first.Session?.SessionId}, "
                + $"then for the same request_id {again.Status}/{again.AuthorizationMethod}/session {again.Session?.SessionId}");
        }
    }
}
