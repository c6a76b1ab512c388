using RoamingGrpc.Contracts.V1;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// What the outcome of a command changes besides the command itself, for the command types it names (a start that
/// never happened voids its session, a charge plan the station applied comes in force, a confirmed reservation holds
/// its EVSE). <see cref="CommandOutcomes"/> applies it, in the outcome's transaction, before the outcome is published.
/// </summary>
internal interface ICommandOutcomeEffect
{
    /// <summary>The command types whose outcomes this effect follows.</summary>
    IReadOnlyCollection<CommandType> CommandTypes { get; }

    /// <summary>Applies the outcome <paramref name="outcome"/> of <paramref name="command"/>.</summary>
    void Apply(WriteContext write, StationCommand command, CommandResultType outcome);
}
