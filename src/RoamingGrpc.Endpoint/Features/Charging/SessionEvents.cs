using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Sessions;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// What the station reports about a session (UC3-1, UC3-5, UC3-6): its events through the domain state machine
/// (<see cref="SessionLifecycle"/>), where STOPPED completes and bills it into an SDR and an event answers the start or
/// stop command it carries out; its meter values with the cost so far; and the end of a session the station never
/// started. The charge plan in force follows the session: a start's plan applies when charging starts, and any plan
/// ends with the session. Every method runs inside the caller's write transaction.
/// </summary>
internal sealed class SessionEvents(
    ISessionStore sessions,
    ICommandStore commands,
    EvseLocator evses,
    SessionPricing pricing,
    SdrIssuer sdrs,
    ChargePlansInForce plans,
    StationCommands stationCommands,
    SessionPublisher publisher,
    TimeProvider clock)
{
    /// <summary>Applies a station event through the session state machine; STOPPED completes and bills the session.</summary>
    public Session Apply(WriteContext write, ReportSessionEventRequest report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var row = sessions.Find(write, report.SessionId) ?? throw SessionCommands.UnknownSession(report.SessionId);
        var session = Session.Parser.ParseFrom(row.Payload);
        var sessionEvent = (SessionEvent)report.Type;
        SessionPhase next;
        try
        {
            next = SessionLifecycle.Next((SessionPhase)session.State, sessionEvent);
        }
        catch (SessionTransitionException ex)
        {
            throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, $"Session '{session.SessionId}': {ex.Message}", [new("session_id", session.SessionId)]);
        }

        var readings = sessions.Readings(write, session.SessionId);
        var last = readings.Count > 0 ? readings[^1] : null;
        // Times are kept to the millisecond, as readings are stored: session times and readings then agree exactly.
        var eventTime = DateTimeOffset.FromUnixTimeMilliseconds(RequestFields.Time(report.EventTime, "event_time").ToUnixTimeMilliseconds());
        if (last is not null && eventTime.ToUnixTimeMilliseconds() < last.MeasureTime)
        {
            throw RoamingErrors.InvalidField("event_time", ErrorReason.InvalidField, "is before the session's last reading; events and meter values must arrive in time order");
        }

        var energy = report.HasEnergyKwh ? report.EnergyKwh : last?.EnergyKwh ?? 0;
        if (last is not null && energy < last.EnergyKwh)
        {
            throw RoamingErrors.InvalidField("energy_kwh", ErrorReason.InvalidField, $"is less than the energy already reported ({last.EnergyKwh:0.###} kWh); energy is cumulative");
        }

        var now = clock.GetUtcNow();
        var connectorId = report.ConnectorId.Length > 0 ? report.ConnectorId : session.ConnectorId;
        if (report.ConnectorId.Length > 0)
        {
            evses.Locate(write, session.EvseId, report.ConnectorId, "connector_id");
        }

        session.State = (SessionState)next;
        session.ConnectorId = connectorId;
        session.EnergyKwh = energy;
        if (SessionLifecycle.ActivityAfter(sessionEvent) is { } activity)
        {
            sessions.AddReading(write, new SessionReading(session.SessionId, 0, eventTime.ToUnixTimeMilliseconds(), energy, activity == SessionActivity.Parking ? 0 : last?.PowerKw, null, last?.StateOfCharge, (long)activity));
        }

        if (sessionEvent == SessionEvent.Started)
        {
            session.StartTime = Timestamp.FromDateTimeOffset(eventTime);
        }

        if (next is SessionPhase.Completed or SessionPhase.Invalid)
        {
            session.EndTime = Timestamp.FromDateTimeOffset(eventTime);
            session.StopReason = report.StopReason;
        }

        if (next == SessionPhase.Completed)
        {
            // The end reading closes the last period; pricing runs over every reading of the session.
            sessions.AddReading(write, new SessionReading(session.SessionId, 0, eventTime.ToUnixTimeMilliseconds(), energy, 0, null, last?.StateOfCharge, last?.Activity ?? 0));
            sdrs.Complete(write, session, sessions.Readings(write, session.SessionId), report.SignedMeterData, now);
        }

        // The command this event answers: the one named, or the session's open start (STARTED, START_FAILED) or stop (STOPPED).
        var answered = AnsweredCommand(write, session.SessionId, report.CommandId, sessionEvent);
        if (answered is not null && sessionEvent == SessionEvent.Started)
        {
            // A start's charge plan is in force from the start of charging.
            plans.Settle(write, session, StationCommand.Parser.ParseFrom(answered.Payload), CommandResultType.Started, eventTime, now);
        }

        if (next is SessionPhase.Completed or SessionPhase.Invalid)
        {
            plans.End(write, session, now);
        }

        SessionPublisher.Stamp(session, now);
        var latest = sessions.Readings(write, session.SessionId);
        var info = ChargingInfoProjection.Of(session, latest.Count > 0 ? latest[^1] : null, plans.InForce(write, session.SessionId), answered?.CommandId ?? string.Empty, eventTime);
        // Suspend / resume / charging ended change what the session does, not its state: stream only, no push.
        publisher.Save(write, session, info, push: next != SessionPhase.Active || sessionEvent == SessionEvent.Started, now);
        if (answered is not null)
        {
            var outcome = (sessionEvent, report.StopReason) switch
            {
                (SessionEvent.Started, _) => CommandResultType.Started,
                (SessionEvent.Stopped, _) => CommandResultType.Stopped,
                (SessionEvent.StartFailed, StopReason.Timeout) => CommandResultType.Timeout,
                (SessionEvent.StartFailed, StopReason.EvseFault or StopReason.PowerLoss) => CommandResultType.EvseInoperative,
                _ => CommandResultType.Failed,
            };
            stationCommands.Complete(write, answered, outcome, $"station reported {ProtoEnumNames.Of(report.Type)}", session.EvseId);
        }

        return session;
    }

    /// <summary>Applies meter values of an ACTIVE session (UC3-6): energy, power, current, state of charge, cost so far.</summary>
    public ChargingInfo Meter(WriteContext write, string sessionId, IList<MeterValue> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var row = sessions.Find(write, sessionId) ?? throw SessionCommands.UnknownSession(sessionId);
        var session = Session.Parser.ParseFrom(row.Payload);
        if (session.State != SessionState.Active)
        {
            throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, $"Session '{sessionId}' is {ProtoEnumNames.Of(session.State)}; meter values are taken while it is ACTIVE.", [new("session_id", sessionId)]);
        }

        var readings = sessions.Readings(write, sessionId);
        var last = readings[^1];
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            var field = $"values[{i}]";
            if (value.MeasureTime is null)
            {
                throw RoamingErrors.MissingField($"{field}.measure_time");
            }

            var time = RequestFields.Time(value.MeasureTime, $"{field}.measure_time").ToUnixTimeMilliseconds();
            if (time < last.MeasureTime)
            {
                throw RoamingErrors.InvalidField($"{field}.measure_time", ErrorReason.InvalidField, "is before the previous reading; values must ascend in time");
            }

            if (!double.IsFinite(value.EnergyKwh) || value.EnergyKwh < last.EnergyKwh)
            {
                throw RoamingErrors.InvalidField($"{field}.energy_kwh", ErrorReason.InvalidField, $"must not decrease (previous {last.EnergyKwh:0.###} kWh); energy is cumulative");
            }

            if (value.HasStateOfCharge && value.StateOfCharge is < 0 or > 100)
            {
                throw RoamingErrors.InvalidField($"{field}.state_of_charge", ErrorReason.InvalidField, "must be 0 to 100");
            }

            if ((value.HasPowerKw && (!double.IsFinite(value.PowerKw) || value.PowerKw < 0)) || (value.HasCurrentA && (!double.IsFinite(value.CurrentA) || value.CurrentA < 0)))
            {
                throw RoamingErrors.InvalidField(value.HasPowerKw && value.PowerKw < 0 ? $"{field}.power_kw" : $"{field}.current_a", ErrorReason.InvalidField, "must be a non-negative number");
            }

            last = new SessionReading(
                sessionId,
                0,
                time,
                value.EnergyKwh,
                value.HasPowerKw ? value.PowerKw : null,
                value.HasCurrentA ? value.CurrentA : null,
                value.HasStateOfCharge ? value.StateOfCharge : last.StateOfCharge,
                last.Activity);
            sessions.AddReading(write, last);
        }

        var now = clock.GetUtcNow();
        session.EnergyKwh = last.EnergyKwh;
        var cost = pricing.CostSoFar(write, session, sessions.Readings(write, sessionId), DateTimeOffset.FromUnixTimeMilliseconds(last.MeasureTime));
        session.CostExclVat = cost?.ExclVat;
        session.CostInclVat = cost?.InclVat;
        SessionPublisher.Stamp(session, now);
        var info = ChargingInfoProjection.Of(session, last, plans.InForce(write, sessionId), string.Empty, DateTimeOffset.FromUnixTimeMilliseconds(last.MeasureTime));
        publisher.Save(write, session, info, push: false, now);
        return info;
    }

    /// <summary>Ends a session that stayed PENDING past the pending timeout (no EV plugged in): INVALID, stop reason TIMEOUT.</summary>
    public Session? ExpirePending(WriteContext write, string sessionId)
    {
        var row = sessions.Find(write, sessionId);
        if (row is null || row.State != (long)SessionState.Pending || commands.OpenFor(write, sessionId, (long)CommandType.StartSession) is not null)
        {
            return null; // it moved on meanwhile
        }

        var now = clock.GetUtcNow();
        var session = Session.Parser.ParseFrom(row.Payload);
        session.State = SessionState.Invalid;
        session.EndTime = Timestamp.FromDateTimeOffset(now);
        session.StopReason = StopReason.Timeout;
        plans.End(write, session, now);
        SessionPublisher.Stamp(session, now);
        publisher.Save(write, session, ChargingInfoProjection.Of(session, null, null, string.Empty, now), push: true, now);
        return session;
    }

    private CommandRow? AnsweredCommand(WriteContext write, string sessionId, string commandId, SessionEvent sessionEvent)
    {
        if (commandId.Length > 0)
        {
            var named = commands.Find(write, commandId);
            if (named is null || named.SessionId != sessionId)
            {
                throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownCommand, $"command_id: command '{commandId}' is not a command of session '{sessionId}'.", [new("field", "command_id")]);
            }

            return named.IsOpen ? named : null;
        }

        var type = sessionEvent switch
        {
            SessionEvent.Started or SessionEvent.StartFailed => CommandType.StartSession,
            SessionEvent.Stopped => CommandType.StopSession,
            _ => CommandType.Unspecified,
        };
        return type == CommandType.Unspecified ? null : commands.OpenFor(write, sessionId, (long)type);
    }
}
