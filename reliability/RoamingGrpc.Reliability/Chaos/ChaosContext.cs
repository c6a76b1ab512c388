using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>What every workload of a chaos run shares: the endpoints, the retrying caller, the station side, the ledger.</summary>
internal sealed class ChaosContext(RoamingPair pair, Retrying retrying, StationSide station, ChaosNetwork network, ChaosLedger ledger)
{
    /// <summary>How long a flow waits for the station to receive a command (across restarts of the CSO).</summary>
    public static readonly TimeSpan CommandWait = TimeSpan.FromMinutes(3);

    private readonly ChangeClock _clock = new();

    public RoamingPair Pair { get; } = pair;

    public Retrying Retrying { get; } = retrying;

    public StationSide Station { get; } = station;

    public ChaosNetwork Network { get; } = network;

    public ChaosLedger Ledger { get; } = ledger;

    public ChargingService.ChargingServiceClient Charging => new(Pair.AsCsp);

    public ReservationService.ReservationServiceClient ReservationsAsCsp => new(Pair.AsCsp);

    /// <summary>A status change time later than every one before (see <see cref="ChangeClock"/>).</summary>
    public Timestamp NextChangeTime() => _clock.Next();

    /// <summary>Reports one EVSE's status as its station does, and records it (the EVSE belongs to the calling worker).</summary>
    public async Task ReportStatusAsync(string evseId, EvseStatus status, CancellationToken cancellationToken)
    {
        var request = new ReportEvseStatusRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Statuses = { new EvseStatusEvent { EvseId = evseId, Status = status, ChangeTime = NextChangeTime() } },
        };
        var answer = await Retrying.CallAsync("ReportEvseStatus", options => Pair.CsoBackoffice.ReportEvseStatusAsync(request, options), cancellationToken).ConfigureAwait(false);
        if (answer.AppliedCount != 1 || answer.IgnoredCount != 0)
        {
            Ledger.Violation($"ReportEvseStatus {request.RequestId} ({evseId} {status}): answered applied {answer.AppliedCount}, ignored {answer.IgnoredCount}; expected the one new change applied");
        }

        Ledger.Statuses.GetOrAdd(evseId, _ => []).Add(status);
        Ledger.StatusBatch(1);
    }

    /// <summary>Reports a session event (same request_id on every retry) and returns the session after it.</summary>
    public async Task<Session> SessionEventAsync(string sessionId, SessionEventType type, DateTimeOffset at, double? energyKwh, string commandId, StopReason reason, CancellationToken cancellationToken)
    {
        var request = new ReportSessionEventRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            SessionId = sessionId,
            Type = type,
            EventTime = Timestamp.FromDateTimeOffset(at),
            CommandId = commandId,
            StopReason = reason,
        };
        if (energyKwh is { } energy)
        {
            request.EnergyKwh = energy;
        }

        if (type == SessionEventType.Started)
        {
            request.ConnectorId = "1";
        }

        var answer = await Retrying.CallAsync($"ReportSessionEvent {type}", options => Pair.CsoBackoffice.ReportSessionEventAsync(request, options), cancellationToken).ConfigureAwait(false);
        return answer.Session;
    }

    /// <summary>Two meter values of a running session.</summary>
    public Task<ReportMeterValuesResponse> MeterValuesAsync(string sessionId, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var request = new ReportMeterValuesRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            SessionId = sessionId,
            Values =
            {
                new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(start.AddMinutes(20)), EnergyKwh = 5, PowerKw = 15 },
                new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(start.AddMinutes(40)), EnergyKwh = 10, PowerKw = 15 },
            },
        };
        return Retrying.CallAsync("ReportMeterValues", options => Pair.CsoBackoffice.ReportMeterValuesAsync(request, options), cancellationToken);
    }

    /// <summary>The station's clock for a session: an hour ago, on the minute (the session is priced as an hour long).</summary>
    public static DateTimeOffset SessionStart()
    {
        var start = DateTimeOffset.UtcNow.AddMinutes(-60);
        return new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero);
    }
}
