using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The end of a command's lifecycle when it is not a session event that answers it: the station's report
/// (ReportCommandResult), the timeout, or a cancellation. The outcome's effect on what the command was for
/// (<see cref="ICommandOutcomeEffect"/>, one per command type) applies first, then the outcome is published through
/// <see cref="StationCommands"/>. Every method runs inside the caller's write transaction.
/// </summary>
internal sealed class CommandOutcomes(ICommandStore commands, StationCommands stationCommands, IEnumerable<ICommandOutcomeEffect> effects, IOptions<ChargingOptions> chargingOptions)
{
    private readonly Dictionary<CommandType, ICommandOutcomeEffect> _effects = effects
        .SelectMany(effect => effect.CommandTypes.Select(type => (type, effect)))
        .ToDictionary(pair => pair.type, pair => pair.effect);

    /// <summary>
    /// The station's outcome of a command it could not carry out, or of a command type without session events.
    /// Refusals: UNKNOWN_COMMAND (NOT_FOUND), WRONG_STATE (it has its outcome), INVALID_FIELD (an outcome that a
    /// session event reports, or one that does not fit the command type).
    /// </summary>
    public CommandResult Report(WriteContext write, string commandId, CommandResultType outcome, string message, string evseId)
    {
        var command = commands.Find(write, commandId)
            ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownCommand, $"Command '{commandId}' does not exist.", [new("command_id", commandId)]);
        if (!command.IsOpen)
        {
            throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.WrongState, $"Command '{commandId}' already has its outcome.", [new("command_id", commandId)]);
        }

        var type = (CommandType)command.CommandType;
        if ((type == CommandType.StartSession && outcome == CommandResultType.Started) || (type == CommandType.StopSession && outcome == CommandResultType.Stopped))
        {
            throw RoamingErrors.InvalidField("result", ErrorReason.InvalidField, "a started or stopped session is reported with ReportSessionEvent (STARTED / STOPPED with this command_id), which also carries its times and energy");
        }

        var unlock = type == CommandType.UnlockConnector;
        if (unlock ? outcome is CommandResultType.Started or CommandResultType.Stopped : outcome is CommandResultType.Unlocked or CommandResultType.UnlockFailed)
        {
            throw RoamingErrors.InvalidField("result", ErrorReason.InvalidField, "UNLOCKED and UNLOCK_FAILED answer UNLOCK_CONNECTOR commands only, and an unlock is never STARTED or STOPPED");
        }

        return Close(write, command, outcome, message, evseId);
    }

    /// <summary>TIMEOUT for a command whose station gave no outcome in time; null when it has its outcome meanwhile.</summary>
    public CommandResult? TimeOut(WriteContext write, string commandId)
    {
        var command = commands.Find(write, commandId);
        return command is { IsOpen: true }
            ? Close(write, command, CommandResultType.Timeout, $"the station reported no outcome within {chargingOptions.Value.CommandTimeout.TotalSeconds:0} s", string.Empty)
            : null;
    }

    /// <summary>Applies the outcome's effect for the command's type, then publishes the outcome.</summary>
    public CommandResult Close(WriteContext write, CommandRow command, CommandResultType outcome, string message, string evseId)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (_effects.TryGetValue((CommandType)command.CommandType, out var effect))
        {
            effect.Apply(write, StationCommand.Parser.ParseFrom(command.Payload), outcome);
        }

        return stationCommands.Complete(write, command, outcome, message, evseId);
    }
}
