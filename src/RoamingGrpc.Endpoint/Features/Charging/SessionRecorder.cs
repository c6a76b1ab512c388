using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Outbox;
using RoamingGrpc.Storage.Support;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// Writes what a home-CSP must learn about its sessions, in the transaction of the change: the new session version,
/// its charging information in the log that WatchChargingInfo reads, and (for state changes, SDRs, reservations and
/// command outcomes) the durable push to the CSP through the outbox; changes of a session's charge plan in force are
/// pushed too. An unlock command's outcome also goes into the unlock audit.
/// </summary>
internal sealed class SessionRecorder(ISessionStore sessions, ICommandStore commands, PushQueue pushes, IUnlockRequestLog unlocks)
{
    /// <summary>Stores <paramref name="session"/> (its version and update time already stamped) and logs <paramref name="info"/>.</summary>
    public void Save(WriteContext write, Session session, ChargingInfo info, bool push, DateTimeOffset now)
    {
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

    /// <summary>Closes a command with its outcome, logs it for the CSP's stream and queues its durable push.</summary>
    public CommandResult Complete(WriteContext write, CommandRow command, CommandResultType outcome, string message, string evseId, DateTimeOffset now)
    {
        var station = StationCommand.Parser.ParseFrom(command.Payload);
        var result = new CommandResult
        {
            CommandId = command.CommandId,
            CommandType = station.CommandType,
            Result = outcome,
            SessionId = station.SessionId,
            ReservationId = station.ReservationId,
            EvseId = evseId.Length > 0 ? evseId : station.EvseId,
            ConnectorId = station.ConnectorId,
            Message = message.Length > 512 ? message[..512] : message,
            ResultTime = Timestamp.FromDateTimeOffset(now),
            RequestId = station.RequestId,
        };
        commands.Complete(write, command.CommandId, result.ToByteArray());
        if (station.CommandType == CommandType.UnlockConnector)
        {
            unlocks.Close(write, command.CommandId, (long)outcome, result.Message, now); // the audit keeps every unlock's outcome (UC5-2, UC5-3)
        }

        sessions.AppendLog(write, command.Provider, station.SessionId, ChargingInfoEntry.CommandResultKind, result.ToByteArray(), now);
        pushes.ToCsp(write, PushKinds.CommandResult, command.Provider, result);
        return result;
    }

    /// <summary>Queues an SDR version for its CSP.</summary>
    public void Push(WriteContext write, Sdr sdr) =>
        pushes.ToCsp(write, PushKinds.Sdr, sdr.ProviderId, sdr);

    /// <summary>Queues a change of the charge plan in force of one of <paramref name="provider"/>'s sessions (UC3-7, UC3-10).</summary>
    public void Push(WriteContext write, string provider, ChargePlan plan) =>
        pushes.ToCsp(write, PushKinds.ChargePlan, provider, plan);

    /// <summary>Queues a reservation version for its CSP (UC3-8).</summary>
    public void Push(WriteContext write, Reservation reservation) =>
        pushes.ToCsp(write, PushKinds.Reservation, reservation.ProviderId, reservation);
}
