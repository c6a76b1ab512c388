using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// UC3-2 and UC3-4 at one EVSE, session after session, from the EV user's app through the CSP's back office:
/// RequestRemoteStart (relayed by the CSP as StartSession), the station executes the START_SESSION command it receives
/// (status, STARTED with the command id), meter values, RequestRemoteStop, the station executes STOP_SESSION (STOPPED
/// with the command id; the SDR follows). Each request is retried with the same request_id, and asked once more after
/// it was answered: the command id and session must be the first ones.
/// </summary>
internal sealed class RemoteCharging(ChaosContext context, Slot slot)
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
        var startRequest = new RequestRemoteStartRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Token = new TokenRef { Uid = slot.Token.Uid, Type = slot.Token.Type },
            EvseId = slot.EvseId,
            ConnectorId = "1",
        };
        var started = await context.Retrying.CallAsync("RequestRemoteStart", options => context.Pair.CspBackoffice.RequestRemoteStartAsync(startRequest, options), cancellationToken).ConfigureAwait(false);
        var again = await context.Retrying.CallAsync("RequestRemoteStart", options => context.Pair.CspBackoffice.RequestRemoteStartAsync(startRequest, options), cancellationToken).ConfigureAwait(false);
        if (again.CommandId != started.CommandId || again.Session?.SessionId != started.Session?.SessionId)
        {
            context.Ledger.Violation($"RequestRemoteStart {startRequest.RequestId} answered command {started.CommandId}, then for the same request_id command {again.CommandId}");
        }

        var sessionId = started.Session?.SessionId ?? throw new ReliabilityException($"RequestRemoteStart {startRequest.RequestId}: no session in the answer");
        var run = new SessionRun("remote", sessionId, slot.EvseId, slot.Token.Uid);
        run.Versions.Add(started.Session.Version);
        context.Ledger.Sessions[sessionId] = run;
        context.Ledger.RemoteStart();

        var command = await context.Station.CommandAsync(started.CommandId, ChaosContext.CommandWait, cancellationToken).ConfigureAwait(false);
        if (command.CommandType != CommandType.StartSession || command.SessionId != sessionId || command.RequestId != startRequest.RequestId)
        {
            context.Ledger.Violation($"command {started.CommandId}: the station received {command.CommandType} for session {command.SessionId} (request {command.RequestId}), expected START_SESSION of {sessionId} (request {startRequest.RequestId})");
        }

        var start = ChaosContext.SessionStart();
        await context.ReportStatusAsync(slot.EvseId, EvseStatus.Charging, cancellationToken).ConfigureAwait(false);
        run.Versions.Add((await context.SessionEventAsync(sessionId, SessionEventType.Started, start, 0, started.CommandId, StopReason.Unspecified, cancellationToken).ConfigureAwait(false)).Version);
        context.Ledger.Commands[started.CommandId] = (CommandType.StartSession, CommandResultType.Started);
        await context.MeterValuesAsync(sessionId, start, cancellationToken).ConfigureAwait(false);

        var stopRequest = new RequestRemoteStopRequest { RequestId = Guid.NewGuid().ToString(), OperatorId = Parties.Cso.PartyId, SessionId = sessionId };
        var stopping = await context.Retrying.CallAsync("RequestRemoteStop", options => context.Pair.CspBackoffice.RequestRemoteStopAsync(stopRequest, options), cancellationToken).ConfigureAwait(false);
        var stopAgain = await context.Retrying.CallAsync("RequestRemoteStop", options => context.Pair.CspBackoffice.RequestRemoteStopAsync(stopRequest, options), cancellationToken).ConfigureAwait(false);
        if (stopAgain.CommandId != stopping.CommandId)
        {
            context.Ledger.Violation($"RequestRemoteStop {stopRequest.RequestId} answered command {stopping.CommandId}, then for the same request_id command {stopAgain.CommandId}");
        }

        var stopCommand = await context.Station.CommandAsync(stopping.CommandId, ChaosContext.CommandWait, cancellationToken).ConfigureAwait(false);
        if (stopCommand.CommandType != CommandType.StopSession || stopCommand.SessionId != sessionId)
        {
            context.Ledger.Violation($"command {stopping.CommandId}: the station received {stopCommand.CommandType} for session {stopCommand.SessionId}, expected STOP_SESSION of {sessionId}");
        }

        run.EnergyKwh = 12.5;
        var stopped = await context.SessionEventAsync(sessionId, SessionEventType.Stopped, start.AddMinutes(50), run.EnergyKwh, stopping.CommandId, StopReason.Remote, cancellationToken).ConfigureAwait(false);
        run.Versions.Add(stopped.Version);
        run.Completed = stopped.State == SessionState.Completed;
        context.Ledger.Commands[stopping.CommandId] = (CommandType.StopSession, CommandResultType.Stopped);
        await context.ReportStatusAsync(slot.EvseId, EvseStatus.Available, cancellationToken).ConfigureAwait(false);
    }
}
