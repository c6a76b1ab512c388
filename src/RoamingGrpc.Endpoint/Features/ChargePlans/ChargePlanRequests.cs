using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.ChargePlans;

/// <summary>
/// Charge plans of running sessions at the visited-CSO: the CSP's SetChargePlan and ClearChargePlan commands (UC3-7),
/// checked against the session and its EVSE and opened for the station, and the CSO's own overrides (UC3-10), in force
/// at once. Every method runs inside the caller's write transaction.
/// </summary>
internal sealed class ChargePlanRequests(
    SessionCommands sessionCommands,
    ISessionStore sessions,
    EvseLocator evses,
    StationCommands commands,
    ChargePlansInForce plans,
    ChargingInfoProjection projection,
    TimeProvider clock)
{
    /// <summary>
    /// Opens the SET_CHARGE_PLAN command of a CSP for one of its PENDING or ACTIVE sessions; the plan is PENDING until
    /// the station reports ACCEPTED. Refusals: UNKNOWN_SESSION (another CSP's too), WRONG_STATE, NOT_CHARGE_PLAN_CAPABLE,
    /// INVALID_FIELD (a limit above the connector's maximum).
    /// </summary>
    public (ChargePlan Plan, CommandRow Command) Set(WriteContext write, string provider, string sessionId, ChargePlanSpec spec, string requestId)
    {
        var session = Running(sessionCommands.OwnSession(write, provider, sessionId));
        var location = evses.Locate(write, session.EvseId, session.ConnectorId, "session_id");
        ChargePlanValidator.Fits(spec, "spec", location.Evse, location.Connector);
        var command = commands.Open(write, provider, Command(session, CommandType.SetChargePlan, requestId, spec));
        return (plans.Request(write, session, command.CommandId, spec, clock.GetUtcNow()), command);
    }

    /// <summary>
    /// Opens the CLEAR_CHARGE_PLAN command of a CSP for one of its PENDING or ACTIVE sessions (also when it has no plan).
    /// Refusals: UNKNOWN_SESSION, WRONG_STATE.
    /// </summary>
    public CommandRow Clear(WriteContext write, string provider, string sessionId, string requestId)
    {
        var session = Running(sessionCommands.OwnSession(write, provider, sessionId));
        return commands.Open(write, provider, Command(session, CommandType.ClearChargePlan, requestId, null));
    }

    /// <summary>
    /// The CSO puts <paramref name="spec"/> in force over the CSP's plan, or ends its override (null spec) so that the
    /// CSP's plan is back in force; the CSP is informed by push with the reason and on its charging-information stream.
    /// Returns the plan in force afterwards (or the one just cleared). Refusals: UNKNOWN_SESSION, WRONG_STATE,
    /// NOT_CHARGE_PLAN_CAPABLE, INVALID_FIELD; ending when neither the CSO nor the CSP has a plan: UNKNOWN_CHARGE_PLAN.
    /// </summary>
    public ChargePlan Override(WriteContext write, string sessionId, ChargePlanSpec? spec, ChargePlanUpdateReason reason, string reasonDetail)
    {
        var row = sessions.Find(write, sessionId) ?? throw SessionCommands.UnknownSession(sessionId);
        var session = Running(Session.Parser.ParseFrom(row.Payload));
        if (spec is not null)
        {
            var location = evses.Locate(write, session.EvseId, session.ConnectorId, "session_id");
            ChargePlanValidator.Fits(spec, "spec", location.Evse, location.Connector);
        }

        var now = clock.GetUtcNow();
        var (plan, changed) = plans.Override(write, session, spec, reason, reasonDetail, now);
        if (plan is null)
        {
            throw RoamingErrors.Create(
                ErrorKind.NotFound,
                ErrorReason.UnknownChargePlan,
                $"Session '{sessionId}' has no charge plan: no CSO override to end, and no plan of the CSP.",
                [new("session_id", sessionId)]);
        }

        if (changed)
        {
            projection.Restream(write, session, string.Empty, now);
        }

        return plan;
    }

    private static StationCommand Command(Session session, CommandType type, string requestId, ChargePlanSpec? spec)
    {
        var command = new StationCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            CommandType = type,
            EvseId = session.EvseId,
            ConnectorId = session.ConnectorId,
            SessionId = session.SessionId,
            SiteId = session.SiteId,
            RequestId = requestId,
        };
        if (spec is not null)
        {
            command.ChargePlan = spec;
        }

        return command;
    }

    // Plans are for sessions that hold their EVSE and charge or are about to: PENDING or ACTIVE.
    private static Session Running(Session session) =>
        session.State is SessionState.Pending or SessionState.Active
            ? session
            : throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                $"Session '{session.SessionId}' is {ProtoEnumNames.Of(session.State)}; charge plans apply to PENDING or ACTIVE sessions.",
                [new("session_id", session.SessionId), new("state", ProtoEnumNames.Of(session.State))]);
}
