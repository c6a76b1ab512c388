using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Support;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The one lifecycle of the commands a home-CSP sends to the stations of this CSO (start, stop, reserve, cancel a
/// reservation, set or clear a charge plan, unlock): a command is opened here (stamped with its provider, creation time
/// and result deadline; the station receives it on WatchStationCommands), and its outcome, whoever reports it (the
/// station's ReportCommandResult or session event, the timeout, a cancellation), is published here: the result is
/// stored, logged for the CSP's WatchChargingInfo and pushed to the CSP, and an unlock's outcome joins the unlock
/// audit. What an outcome changes besides the command is applied by <see cref="CommandOutcomes"/>.
/// </summary>
internal sealed class StationCommands(ICommandStore commands, ISessionStore sessions, PushQueue pushes, IUnlockRequestLog unlocks, IOptions<ChargingOptions> chargingOptions, TimeProvider clock)
{
    /// <summary>The time the station has to report an outcome, as answered to the CSP (<c>result_timeout</c>).</summary>
    public Duration ResultTimeout => Duration.FromTimeSpan(chargingOptions.Value.CommandTimeout);

    /// <summary>
    /// Opens a command of <paramref name="provider"/> for the station (stamps provider, creation time and deadline).
    /// The commit wakes the station command streams.
    /// </summary>
    public CommandRow Open(WriteContext write, string provider, StationCommand station)
    {
        ArgumentNullException.ThrowIfNull(station);
        var now = clock.GetUtcNow();
        var deadline = now + chargingOptions.Value.CommandTimeout;
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

    /// <summary>Closes a command with its outcome: stored, logged for the CSP's stream and pushed to the CSP.</summary>
    public CommandResult Complete(WriteContext write, CommandRow command, CommandResultType outcome, string message, string evseId)
    {
        ArgumentNullException.ThrowIfNull(command);
        var now = clock.GetUtcNow();
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
}
