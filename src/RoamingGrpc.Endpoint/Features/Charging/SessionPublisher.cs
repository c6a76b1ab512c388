using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// Stores a session version and tells its home-CSP, in the transaction of the change: the session row, its charging
/// information in the log that WatchChargingInfo reads, and (for state changes) the durable push of the session.
/// </summary>
internal sealed class SessionPublisher(ISessionStore sessions, PushQueue pushes)
{
    /// <summary>Gives <paramref name="session"/> its next version, stamped <paramref name="now"/>.</summary>
    public static void Stamp(Session session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        session.Version++;
        session.UpdateTime = Timestamp.FromDateTimeOffset(now);
    }

    /// <summary>
    /// Stores <paramref name="session"/> (its version and update time already stamped), logs <paramref name="info"/> for
    /// the CSP's stream, and pushes the session when <paramref name="push"/> (a state change, not a measurement).
    /// </summary>
    public void Save(WriteContext write, Session session, ChargingInfo info, bool push, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(info);
        sessions.Save(write, new SessionRow(
            session.SessionId,
            session.ProviderId,
            session.EvseId,
            (long)session.State,
            (long)session.Version,
            session.UpdateTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
            0,
            session.ToByteArray(),
            info.ToByteArray()));
        sessions.AppendLog(write, session.ProviderId, session.SessionId, ChargingInfoEntry.ChargingInfoKind, info.ToByteArray(), now);
        if (push)
        {
            pushes.ToCsp(write, PushKinds.Session, session.ProviderId, session);
        }
    }
}
