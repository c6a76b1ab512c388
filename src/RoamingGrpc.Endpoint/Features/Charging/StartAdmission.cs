using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// Admits a new energy session (UC3-1 local start after PresentToken, UC3-2 remote start): the EVSE must exist, be
/// remote-capable for a remote start, and be free by the one availability rule (<see cref="EvseAvailability"/>); a
/// start at an EVSE reserved for the token uses the reservation (UC3-8). The session is created PENDING; a remote start
/// also opens the START_SESSION command for the station, with the CSP's charge plan (UC3-7) recorded to apply when
/// the station reports STARTED. Runs inside the caller's write transaction.
/// </summary>
internal sealed class StartAdmission(
    ISessionStore sessions,
    EvseLocator evses,
    EvseAvailability availability,
    ReservationLifecycle reservations,
    StationCommands commands,
    ChargePlansInForce plans,
    SessionPublisher publisher,
    TimeProvider clock)
{
    /// <summary>
    /// Creates a PENDING session for an authorized token at a free, operative EVSE, and for a remote start its
    /// START_SESSION command. At an EVSE reserved for the token the reservation's RESERVED session continues (or a new
    /// one names the reservation) and the reservation is USED. Refusals: EVSE_INOPERATIVE, EVSE_OCCUPIED, EVSE_RESERVED,
    /// NOT_REMOTE_CAPABLE (FAILED_PRECONDITION), UNKNOWN_EVSE / UNKNOWN_CONNECTOR / UNKNOWN_RESERVATION (NOT_FOUND).
    /// </summary>
    public (Session Session, CommandRow? Command) Start(WriteContext write, PendingStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        var location = evses.Locate(write, start.EvseId, start.ConnectorId, "evse_id");
        if (start.Remote)
        {
            if (!location.Evse.Capabilities.Contains(EvseCapability.RemoteStartStopCapable))
            {
                throw RoamingErrors.Create(
                    ErrorKind.WrongState,
                    ErrorReason.NotRemoteCapable,
                    $"EVSE {start.EvseId} cannot be started remotely (no REMOTE_START_STOP_CAPABLE).",
                    [new("evse_id", start.EvseId)]);
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

        var reservation = reservations.ForStart(write, start);
        availability.Ensure(write, start.EvseId, reservation);
        var holding = sessions.HoldingEvse(write, start.EvseId);
        var reserved = holding is { State: (long)SessionState.Reserved } && reservation is { SessionId.Length: > 0 } && reservation.SessionId == holding.SessionId ? holding : null;

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
        SessionPublisher.Stamp(session, now);
        CommandRow? command = null;
        if (start.Remote)
        {
            command = commands.Open(write, start.Provider, new StationCommand
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

        publisher.Save(write, session, ChargingInfoProjection.Of(session, null, null, commandId, now), push: true, now);
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
}
