using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Sessions;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// A home-CSP's hold on its sessions at this CSO: only its own sessions exist for it (another CSP's is NOT_FOUND /
/// UNKNOWN_SESSION), and it stops them with a STOP_SESSION command (UC3-4).
/// </summary>
internal sealed class SessionCommands(ISessionStore sessions, StationCommands commands)
{
    /// <summary>One of <paramref name="provider"/>'s sessions; anything else is NOT_FOUND / UNKNOWN_SESSION.</summary>
    public Session OwnSession(WriteContext write, string provider, string sessionId)
    {
        var row = sessions.Find(write, sessionId);
        return row is not null && row.Provider == provider
            ? Session.Parser.ParseFrom(row.Payload)
            : throw UnknownSession(sessionId);
    }

    /// <summary>
    /// Opens the STOP_SESSION command of a CSP for one of its sessions. Another CSP's or an unknown session:
    /// NOT_FOUND / UNKNOWN_SESSION; an ended one, or one that only holds a reservation: FAILED_PRECONDITION / WRONG_STATE.
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
                    : $"Session '{sessionId}' has ended ({ProtoEnumNames.Of(session.State)}); nothing to stop.",
                [new("session_id", sessionId)]);
        }

        var command = commands.Open(write, provider, new StationCommand
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

    /// <summary>NOT_FOUND / UNKNOWN_SESSION.</summary>
    public static RoamingException UnknownSession(string sessionId) =>
        RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSession, $"Session '{sessionId}' does not exist.", [new("session_id", sessionId)]);
}
