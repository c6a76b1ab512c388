using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Chaos;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Soak;

/// <summary>
/// One of the parallel charging sessions of a soak, at its own EVSE with its own token, session after session: a
/// local start (PresentToken, authorized online at the CSP) or a remote one (the app's RequestRemoteStart through the
/// CSP, executed by the station), meter values while it runs, the stop (local, or RequestRemoteStop), and the SDR the
/// CSO issues and pushes.
/// </summary>
internal sealed class SessionLoop(RoamingPair pair, Retrying retrying, StationSide station, Slot slot, bool remote, SoakOptions options, Interval interval, SoakErrors errors)
{
    private static readonly TimeSpan CommandWait = TimeSpan.FromMinutes(2);
    private readonly ChangeClock _clock = new();

    public async Task RunAsync(TimeSpan stagger, CancellationToken stop, CancellationToken cancellationToken)
    {
        await Task.Delay(stagger, stop).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        var failures = 0;
        while (!stop.IsCancellationRequested && failures < 3)
        {
            try
            {
                await SessionAsync(stop, cancellationToken).ConfigureAwait(false);
                interval.SessionDone();
                failures = 0;
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failures++;
                errors.Add($"session at {slot.EvseId}: {ex.StatusCode} {ex.Status.Detail}");
            }
            catch (Exception ex) when (ex is ReliabilityException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                failures++;
                errors.Add($"session at {slot.EvseId}: {ex.Message}");
            }
        }

        if (failures >= 3)
        {
            errors.Add($"session worker at {slot.EvseId} stopped after 3 failures in a row");
        }
    }

    private async Task SessionAsync(CancellationToken stop, CancellationToken cancellationToken)
    {
        string sessionId;
        string startCommand = string.Empty;
        if (remote)
        {
            var start = new RequestRemoteStartRequest { RequestId = Guid.NewGuid().ToString(), Token = new TokenRef { Uid = slot.Token.Uid, Type = slot.Token.Type }, EvseId = slot.EvseId };
            var started = await retrying.CallAsync("RequestRemoteStart", call => pair.CspBackoffice.RequestRemoteStartAsync(start, call), cancellationToken).ConfigureAwait(false);
            sessionId = started.Session.SessionId;
            startCommand = started.CommandId;
            await station.CommandAsync(startCommand, CommandWait, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var present = new PresentTokenRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                EvseId = slot.EvseId,
                IdentificationMethod = IdentificationMethod.Rfid,
                Token = new TokenRef { Uid = slot.Token.Uid, Type = slot.Token.Type },
            };
            var answer = await retrying.CallAsync("PresentToken", call => pair.CsoBackoffice.PresentTokenAsync(present, call), cancellationToken).ConfigureAwait(false);
            sessionId = answer.Session?.SessionId ?? throw new ReliabilityException($"PresentToken: {answer.Status} ({answer.AuthorizationMethod})");
        }

        await StatusAsync(EvseStatus.Charging, cancellationToken).ConfigureAwait(false);
        await EventAsync(sessionId, SessionEventType.Started, null, startCommand, StopReason.Unspecified, cancellationToken).ConfigureAwait(false);
        var energy = 0.0;
        var end = DateTimeOffset.UtcNow + options.SessionLength;
        while (DateTimeOffset.UtcNow + options.MeterInterval < end && !stop.IsCancellationRequested)
        {
            await Task.Delay(options.MeterInterval, cancellationToken).ConfigureAwait(false);
            energy += 11 * options.MeterInterval.TotalHours;
            var values = new ReportMeterValuesRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                SessionId = sessionId,
                Values = { new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow), EnergyKwh = energy, PowerKw = 11 } },
            };
            await retrying.CallAsync("ReportMeterValues", call => pair.CsoBackoffice.ReportMeterValuesAsync(values, call), cancellationToken).ConfigureAwait(false);
        }

        var stopCommand = string.Empty;
        if (remote)
        {
            var stopRequest = new RequestRemoteStopRequest { RequestId = Guid.NewGuid().ToString(), OperatorId = Parties.Cso.PartyId, SessionId = sessionId };
            var stopping = await retrying.CallAsync("RequestRemoteStop", call => pair.CspBackoffice.RequestRemoteStopAsync(stopRequest, call), cancellationToken).ConfigureAwait(false);
            stopCommand = stopping.CommandId;
            await station.CommandAsync(stopCommand, CommandWait, cancellationToken).ConfigureAwait(false);
        }

        await EventAsync(sessionId, SessionEventType.Stopped, energy, stopCommand, remote ? StopReason.Remote : StopReason.Local, cancellationToken).ConfigureAwait(false);
        await StatusAsync(EvseStatus.Available, cancellationToken).ConfigureAwait(false);
    }

    private Task<ReportSessionEventResponse> EventAsync(string sessionId, SessionEventType type, double? energy, string commandId, StopReason reason, CancellationToken cancellationToken)
    {
        var request = new ReportSessionEventRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            SessionId = sessionId,
            Type = type,
            EventTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            CommandId = commandId,
            StopReason = reason,
            ConnectorId = type == SessionEventType.Started ? "1" : string.Empty,
        };
        if (energy is { } kwh)
        {
            request.EnergyKwh = kwh;
        }

        return retrying.CallAsync($"ReportSessionEvent {type}", call => pair.CsoBackoffice.ReportSessionEventAsync(request, call), cancellationToken);
    }

    private Task<ReportEvseStatusResponse> StatusAsync(EvseStatus status, CancellationToken cancellationToken)
    {
        var request = new ReportEvseStatusRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Statuses = { new EvseStatusEvent { EvseId = slot.EvseId, Status = status, ChangeTime = _clock.Next() } },
        };
        return retrying.CallAsync("ReportEvseStatus", call => pair.CsoBackoffice.ReportEvseStatusAsync(request, call), cancellationToken);
    }
}
