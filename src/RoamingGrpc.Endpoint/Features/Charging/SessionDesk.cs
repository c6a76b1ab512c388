using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Sessions;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The visited-CSO's sessions (UC3-1 to UC3-6): creates them for local and remote starts, opens the station commands
/// partners send, applies the station's events and meter values through the domain state machine, and completes
/// sessions into SDRs (UC3-5). The charge plan in force (UC3-7, UC3-10, kept by <see cref="ChargePlanBook"/>) follows
/// the session: a start's plan applies when the session starts, a plan command's outcome applies when the station
/// reports it, and any plan ends with the session. Every method runs inside the caller's write transaction, so a
/// change, its log entry and its durable pushes commit together or not at all.
/// </summary>
internal sealed class SessionDesk(
    ISessionStore sessions,
    ICommandStore commands,
    ISiteRepository sites,
    IEvseStatusStore statuses,
    SessionRecorder recorder,
    SessionBilling billing,
    ChargePlanBook plans,
    ReservationDesk reservations,
    IOptions<RoamingEndpointOptions> options,
    TimeProvider clock)
{
    /// <summary>The EVSE (with its site and the given connector), or NOT_FOUND naming <paramref name="field"/>.</summary>
    public EvseLocation Locate(WriteContext write, string evseId, string connectorId, string field)
    {
        var siteId = sites.SiteOfEvse(write, evseId);
        var site = siteId is null ? null : sites.Find(write, siteId);
        if (site is null || site.Removed)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownEvse, $"{field}: EVSE {evseId} is not on any site of this operator.", [new("field", field), new("evse_id", evseId)]);
        }

        var published = Site.Parser.ParseFrom(site.Payload);
        var evse = published.Evses.Single(candidate => candidate.EvseId == evseId);
        Connector? connector = null;
        if (connectorId.Length > 0)
        {
            connector = evse.Connectors.FirstOrDefault(candidate => candidate.ConnectorId == connectorId)
                ?? throw RoamingErrors.Create(
                    ErrorKind.NotFound,
                    ErrorReason.UnknownConnector,
                    $"connector_id: EVSE {evseId} has no connector '{connectorId}' (it has {string.Join(", ", evse.Connectors.Select(c => c.ConnectorId))}).",
                    [new("field", "connector_id"), new("connector_id", connectorId)]);
        }

        return new EvseLocation(published, evse, connector);
    }

    /// <summary>
    /// Creates a PENDING session for an authorized token at a free, operative EVSE; a remote start also opens the
    /// START_SESSION command for the station. At an EVSE reserved for the token (UC3-8) the start uses the reservation:
    /// the reservation's RESERVED session continues (or a new one names the reservation) and the reservation is USED.
    /// Refusals: EVSE_INOPERATIVE, EVSE_OCCUPIED, EVSE_RESERVED (for another token), NOT_REMOTE_CAPABLE
    /// (FAILED_PRECONDITION), UNKNOWN_EVSE / UNKNOWN_CONNECTOR / UNKNOWN_RESERVATION (NOT_FOUND).
    /// </summary>
    public (Session Session, CommandRow? Command) Start(WriteContext write, PendingStart start)
    {
        var location = Locate(write, start.EvseId, start.ConnectorId, "evse_id");
        if (start.Remote)
        {
            if (!location.Evse.Capabilities.Contains(EvseCapability.RemoteStartStopCapable))
            {
                throw Refused(ErrorReason.NotRemoteCapable, $"EVSE {start.EvseId} cannot be started remotely (no REMOTE_START_STOP_CAPABLE).", start.EvseId);
            }

            if (start.ConnectorId.Length == 0 && location.Evse.Capabilities.Contains(EvseCapability.StartSessionConnectorRequired))
            {
                throw RoamingErrors.MissingField("connector_id");
            }

            if (start.ChargePlan is { } plan)
            {
                ChargePlanValidator.Fits(plan, "charge_plan", location.Evse, location.Connector);
            }
        }

        var status = (EvseStatus)(statuses.Current(write, start.EvseId)?.Status ?? (long)EvseStatus.Unknown);
        if (status is EvseStatus.Inoperative or EvseStatus.Outoforder or EvseStatus.Planned or EvseStatus.Removed)
        {
            throw Refused(ErrorReason.EvseInoperative, $"EVSE {start.EvseId} is {ProtoEnumName(status)}.", start.EvseId);
        }

        // A reservation for another token refuses the start (EVSE_RESERVED); one for this token is used by it.
        var reservation = reservations.ForStart(write, start);
        var holding = sessions.HoldingEvse(write, start.EvseId);
        var reserved = holding is { State: (long)SessionState.Reserved } && reservation?.SessionId == holding.SessionId ? holding : null;
        if ((holding is not null && reserved is null) || status is EvseStatus.Charging or EvseStatus.Blocked)
        {
            throw Refused(ErrorReason.EvseOccupied, $"EVSE {start.EvseId} is occupied by another session.", start.EvseId);
        }

        if (status == EvseStatus.Reserved && reservation is null)
        {
            throw Refused(ErrorReason.EvseReserved, $"EVSE {start.EvseId} is reserved for another user.", start.EvseId);
        }

        var now = clock.GetUtcNow();
        var commandId = start.Remote ? Guid.NewGuid().ToString() : string.Empty;
        // The reservation's RESERVED session continues as the energy session (RESERVED -> PENDING).
        var session = reserved is null ? new Session { SessionId = Guid.NewGuid().ToString() } : Session.Parser.ParseFrom(reserved.Payload);
        var sessionId = session.SessionId;
        session.OperatorId = location.Site.OperatorId;
        session.ProviderId = start.Provider;
        session.State = SessionState.Pending;
        session.ServiceKind = ServiceKind.Energy;
        session.Token = start.Token;
        session.IdentificationMethod = start.IdentificationMethod;
        session.AuthorizationMethod = start.AuthorizationMethod;
        session.AuthorizationReference = start.AuthorizationReference.Length > 0 ? start.AuthorizationReference
            : reservation is { AuthorizationReference.Length: > 0 } ? reservation.AuthorizationReference
            : start.Remote ? commandId : string.Empty;
        session.SiteId = location.Site.SiteId;
        session.EvseId = start.EvseId;
        // An EVSE with a single connector needs no choice: the session is on it from the start.
        session.ConnectorId = start.ConnectorId.Length == 0 && location.Evse.Connectors.Count == 1 ? location.Evse.Connectors[0].ConnectorId : start.ConnectorId;
        session.CommandId = commandId;
        session.ReservationId = reservation?.ReservationId ?? string.Empty;
        session.TransactionId = sessionId;
        Stamp(session, now);
        CommandRow? command = null;
        if (start.Remote)
        {
            command = Open(write, start.Provider, new StationCommand
            {
                CommandId = commandId,
                CommandType = CommandType.StartSession,
                EvseId = start.EvseId,
                ConnectorId = start.ConnectorId,
                SessionId = sessionId,
                ReservationId = session.ReservationId,
                SiteId = location.Site.SiteId,
                Token = start.Token,
                AuthorizationReference = session.AuthorizationReference,
                ChargePlan = start.ChargePlan,
                RequestId = start.RequestId,
            });
        }

        recorder.Save(write, session, InfoOf(session, null, null, commandId, now), push: true, now);
        if (command is not null && start.ChargePlan is { } requested)
        {
            plans.Request(write, session, command.CommandId, requested, now); // applies when the station reports STARTED
        }

        if (reservation is not null)
        {
            reservations.Use(write, reservation, sessionId);
        }

        return (session, command);
    }

    /// <summary>
    /// Opens the STOP_SESSION command of a CSP for one of its sessions. Another CSP's or an unknown session:
    /// NOT_FOUND / UNKNOWN_SESSION; an ended one: FAILED_PRECONDITION / WRONG_STATE.
    /// </summary>
    public (Session Session, CommandRow Command) Stop(WriteContext write, string provider, string sessionId, string requestId)
    {
        var session = OwnSession(write, provider, sessionId);
        if (SessionLifecycle.IsFinal((SessionPhase)session.State) || session.State == SessionState.Reserved)
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                session.State == SessionState.Reserved
                    ? $"Session '{sessionId}' only holds reservation '{session.ReservationId}'; cancel the reservation instead (ReservationService.CancelReservation)."
                    : $"Session '{sessionId}' has ended ({ProtoEnumName(session.State)}); nothing to stop.",
                [new("session_id", sessionId)]);
        }

        var command = Open(write, provider, new StationCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            CommandType = CommandType.StopSession,
            EvseId = session.EvseId,
            ConnectorId = session.ConnectorId,
            SessionId = sessionId,
            SiteId = session.SiteId,
            Token = session.Token,
            AuthorizationReference = session.AuthorizationReference,
            RequestId = requestId,
        });
        return (session, command);
    }

    /// <summary>One of <paramref name="provider"/>'s sessions; anything else is NOT_FOUND / UNKNOWN_SESSION.</summary>
    public Session OwnSession(WriteContext write, string provider, string sessionId)
    {
        var row = sessions.Find(write, sessionId);
        return row is not null && row.Provider == provider
            ? Session.Parser.ParseFrom(row.Payload)
            : throw UnknownSession(sessionId);
    }

    /// <summary>Applies a station event through the session state machine (UC3-1, UC3-5); STOPPED completes and bills the session.</summary>
    public Session Apply(WriteContext write, ReportSessionEventRequest report)
    {
        var row = sessions.Find(write, report.SessionId) ?? throw UnknownSession(report.SessionId);
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
        var eventTime = DateTimeOffset.FromUnixTimeMilliseconds(report.EventTime.ToDateTimeOffset().ToUnixTimeMilliseconds());
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
            Locate(write, session.EvseId, report.ConnectorId, "connector_id");
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

        var commandId = report.CommandId;
        if (next is SessionPhase.Completed or SessionPhase.Invalid)
        {
            session.EndTime = Timestamp.FromDateTimeOffset(eventTime);
            session.StopReason = report.StopReason;
        }

        if (next == SessionPhase.Completed)
        {
            // The end reading closes the last period; pricing runs over every reading of the session.
            sessions.AddReading(write, new SessionReading(session.SessionId, 0, eventTime.ToUnixTimeMilliseconds(), energy, 0, null, last?.StateOfCharge, last?.Activity ?? 0));
            billing.Complete(write, session, sessions.Readings(write, session.SessionId), report.SignedMeterData, now);
        }

        // The command this event answers: the one named, or the session's open start (STARTED, START_FAILED) or stop (STOPPED).
        var answered = AnsweredCommand(write, session.SessionId, commandId, sessionEvent);
        if (answered is not null && sessionEvent == SessionEvent.Started)
        {
            // A start's charge plan is in force from the start of charging.
            plans.Settle(write, session, StationCommand.Parser.ParseFrom(answered.Payload), CommandResultType.Started, eventTime, now);
        }

        if (next is SessionPhase.Completed or SessionPhase.Invalid)
        {
            plans.End(write, session, now);
        }

        Stamp(session, now);
        var latest = sessions.Readings(write, session.SessionId);
        var info = InfoOf(session, latest.Count > 0 ? latest[^1] : null, plans.InForce(write, session.SessionId), answered?.CommandId ?? string.Empty, eventTime);
        if (next == SessionPhase.Active && sessionEvent != SessionEvent.Started)
        {
            // Suspend / resume / charging ended change what the session does, not its state: stream only, no push.
            recorder.Save(write, session, info, push: false, now);
        }
        else
        {
            recorder.Save(write, session, info, push: true, now);
        }

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
            recorder.Complete(write, answered, outcome, $"station reported {ProtoEnumName(report.Type)}", session.EvseId, now);
        }

        return session;
    }

    /// <summary>Applies meter values of an ACTIVE session (UC3-6): energy, power, current, state of charge, cost so far.</summary>
    public ChargingInfo Meter(WriteContext write, string sessionId, IList<MeterValue> values)
    {
        var row = sessions.Find(write, sessionId) ?? throw UnknownSession(sessionId);
        var session = Session.Parser.ParseFrom(row.Payload);
        if (session.State != SessionState.Active)
        {
            throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, $"Session '{sessionId}' is {ProtoEnumName(session.State)}; meter values are taken while it is ACTIVE.", [new("session_id", sessionId)]);
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

            var time = value.MeasureTime.ToDateTimeOffset().ToUnixTimeMilliseconds();
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
        var cost = billing.CostSoFar(write, session, sessions.Readings(write, sessionId), DateTimeOffset.FromUnixTimeMilliseconds(last.MeasureTime));
        session.CostExclVat = cost?.ExclVat;
        session.CostInclVat = cost?.InclVat;
        Stamp(session, now);
        var info = InfoOf(session, last, plans.InForce(write, sessionId), string.Empty, DateTimeOffset.FromUnixTimeMilliseconds(last.MeasureTime));
        recorder.Save(write, session, info, push: false, now);
        return info;
    }

    /// <summary>
    /// Reports the outcome of a command the station could not carry out (or of a command type without session
    /// events); a failed start leaves its session INVALID.
    /// </summary>
    public CommandResult Report(WriteContext write, string commandId, CommandResultType outcome, string message, string evseId)
    {
        var command = commands.Find(write, commandId)
            ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownCommand, $"Command '{commandId}' does not exist.", [new("command_id", commandId)]);
        if (!command.IsOpen)
        {
            throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, $"Command '{commandId}' already has its outcome.", [new("command_id", commandId)]);
        }

        if ((CommandType)command.CommandType == CommandType.StartSession && outcome == CommandResultType.Started
            || (CommandType)command.CommandType == CommandType.StopSession && outcome == CommandResultType.Stopped)
        {
            throw RoamingErrors.InvalidField("result", ErrorReason.InvalidField, "a started or stopped session is reported with ReportSessionEvent (STARTED / STOPPED with this command_id), which also carries its times and energy");
        }

        var unlock = (CommandType)command.CommandType == CommandType.UnlockConnector;
        if (unlock ? outcome is CommandResultType.Started or CommandResultType.Stopped : outcome is CommandResultType.Unlocked or CommandResultType.UnlockFailed)
        {
            throw RoamingErrors.InvalidField("result", ErrorReason.InvalidField, "UNLOCKED and UNLOCK_FAILED answer UNLOCK_CONNECTOR commands only, and an unlock is never STARTED or STOPPED");
        }

        return Close(write, command, outcome, message, evseId);
    }

    /// <summary>Reports TIMEOUT for a command whose station gave no outcome in time.</summary>
    public CommandResult? TimeOut(WriteContext write, string commandId)
    {
        var command = commands.Find(write, commandId);
        return command is { IsOpen: true }
            ? Close(write, command, CommandResultType.Timeout, $"the station reported no outcome within {options.Value.Charging.CommandTimeout.TotalSeconds:0} s", string.Empty)
            : null;
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
        Stamp(session, now);
        recorder.Save(write, session, InfoOf(session, null, null, string.Empty, now), push: true, now);
        return session;
    }

    private CommandResult Close(WriteContext write, CommandRow command, CommandResultType outcome, string message, string evseId)
    {
        var now = clock.GetUtcNow();
        if ((CommandType)command.CommandType == CommandType.StartSession && command.SessionId is { } sessionId
            && sessions.Find(write, sessionId) is { } row && row.State == (long)SessionState.Pending)
        {
            // The start never happened: the session is void, and says why.
            var session = Session.Parser.ParseFrom(row.Payload);
            session.State = SessionState.Invalid;
            session.EndTime = Timestamp.FromDateTimeOffset(now);
            session.StopReason = outcome == CommandResultType.Timeout ? StopReason.Timeout : StopReason.Other;
            plans.End(write, session, now);
            Stamp(session, now);
            recorder.Save(write, session, InfoOf(session, null, null, command.CommandId, now), push: true, now);
        }
        else if ((CommandType)command.CommandType is CommandType.SetChargePlan or CommandType.ClearChargePlan
            && command.SessionId is { } planSessionId
            && sessions.Find(write, planSessionId) is { State: (long)SessionState.Pending or (long)SessionState.Active } held)
        {
            // The station applied (or refused) a CSP plan; a session that ended meanwhile keeps no plan.
            var session = Session.Parser.ParseFrom(held.Payload);
            if (plans.Settle(write, session, StationCommand.Parser.ParseFrom(command.Payload), outcome, now, now))
            {
                Restream(write, session, command.CommandId, now);
            }
        }

        reservations.Settle(write, command, outcome);
        return recorder.Complete(write, command, outcome, message, evseId, now);
    }

    /// <summary>
    /// Opens a command of <paramref name="provider"/> for the station (stamps provider, create and deadline time);
    /// the caller notifies <see cref="ChargingFeeds.StationCommands"/> after the commit. Its outcome comes through
    /// <see cref="Report"/>, a session event, or <see cref="TimeOut"/>.
    /// </summary>
    public CommandRow Open(WriteContext write, string provider, StationCommand station)
    {
        var now = clock.GetUtcNow();
        var deadline = now + options.Value.Charging.CommandTimeout;
        station.ProviderId = provider;
        station.CreateTime = Timestamp.FromDateTimeOffset(now);
        station.DeadlineTime = Timestamp.FromDateTimeOffset(deadline);
        var row = new CommandRow(
            station.CommandId,
            provider,
            (long)station.CommandType,
            station.SessionId.Length > 0 ? station.SessionId : null,
            station.EvseId.Length > 0 ? station.EvseId : null,
            1,
            deadline.ToUnixTimeMilliseconds(),
            station.ToByteArray(),
            null);
        commands.Add(write, row);
        return row;
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

    /// <summary>
    /// Streams a session's charging information again, as of <paramref name="now"/>, after something other than a
    /// measurement changed it (its charge plan in force); the session itself is unchanged.
    /// </summary>
    public ChargingInfo Restream(WriteContext write, Session session, string commandId, DateTimeOffset now)
    {
        var readings = sessions.Readings(write, session.SessionId);
        var info = InfoOf(session, readings.Count > 0 ? readings[^1] : null, plans.InForce(write, session.SessionId), commandId, now);
        recorder.Save(write, session, info, push: false, now);
        return info;
    }

    /// <summary>
    /// The charging information streamed to the CSP for a session as it is now, with the summary of the charge plan in
    /// force (<paramref name="plan"/>, its limit as of <paramref name="measured"/>). The one place ChargingInfo is built.
    /// </summary>
    public static ChargingInfo InfoOf(Session session, SessionReading? last, ChargePlan? plan, string commandId, DateTimeOffset measured)
    {
        var info = new ChargingInfo
        {
            SessionId = session.SessionId,
            State = session.State,
            EvseId = session.EvseId,
            ConnectorId = session.ConnectorId,
            StartTime = session.StartTime,
            EnergyKwh = session.EnergyKwh,
            PowerKw = session.State == SessionState.Active && last is { Activity: 0, PowerKw: { } power } ? power : 0,
            CostExclVat = session.CostExclVat,
            CostInclVat = session.CostInclVat,
            CommandId = commandId,
            StopReason = session.StopReason,
            UpdateTime = Timestamp.FromDateTimeOffset(measured),
        };
        if (last?.StateOfCharge is { } stateOfCharge)
        {
            info.StateOfCharge = stateOfCharge;
        }

        if (plan is not null)
        {
            info.ChargePlan = ChargePlanMapping.SummaryOf(plan, measured);
        }

        return info;
    }

    private static void Stamp(Session session, DateTimeOffset now)
    {
        session.Version++;
        session.UpdateTime = Timestamp.FromDateTimeOffset(now);
    }

    private static RoamingException UnknownSession(string sessionId) =>
        RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSession, $"Session '{sessionId}' does not exist.", [new("session_id", sessionId)]);

    private static RoamingException Refused(ErrorReason reason, string message, string evseId) =>
        RoamingErrors.Create(ErrorKind.WrongState, reason, message, [new("evse_id", evseId)]);

    private static string ProtoEnumName<TEnum>(TEnum value)
        where TEnum : struct, System.Enum => Mapping.ProtoEnumNames.Of(value);
}
