using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Sessions;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The charging information a home-CSP sees of a session (UC3-6, WatchChargingInfo and the session's stored
/// <c>charging_info</c>): built in one place from the session, its last reading and the summary of the charge plan in
/// force.
/// </summary>
internal sealed class ChargingInfoProjection(ISessionStore sessions, ChargePlansInForce plans, SessionPublisher publisher)
{
    /// <summary>
    /// The charging information of <paramref name="session"/> as it is now, with the summary of the charge plan in force
    /// (<paramref name="plan"/>, its limit as of <paramref name="measured"/>).
    /// </summary>
    public static ChargingInfo Of(Session session, SessionReading? last, ChargePlan? plan, string commandId, DateTimeOffset measured)
    {
        ArgumentNullException.ThrowIfNull(session);
        var info = new ChargingInfo
        {
            SessionId = session.SessionId,
            State = session.State,
            EvseId = session.EvseId,
            ConnectorId = session.ConnectorId,
            StartTime = session.StartTime,
            EnergyKwh = session.EnergyKwh,
            PowerKw = session.State == SessionState.Active && last is { Activity: (long)SessionActivity.Charging, PowerKw: { } power } ? power : 0,
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

    /// <summary>The charging information of <paramref name="session"/> with its last reading and its plan in force.</summary>
    public ChargingInfo Current(WriteContext write, Session session, string commandId, DateTimeOffset measured)
    {
        ArgumentNullException.ThrowIfNull(session);
        var readings = sessions.Readings(write, session.SessionId);
        return Of(session, readings.Count > 0 ? readings[^1] : null, plans.InForce(write, session.SessionId), commandId, measured);
    }

    /// <summary>
    /// Streams a session's charging information again, as of <paramref name="now"/>, after something other than a
    /// measurement changed it (its charge plan in force); the session itself is unchanged.
    /// </summary>
    public ChargingInfo Restream(WriteContext write, Session session, string commandId, DateTimeOffset now)
    {
        var info = Current(write, session, commandId, now);
        publisher.Save(write, session, info, push: false, now);
        return info;
    }
}
