using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Reservations;

/// <summary>
/// The outcome of a CREATE_RESERVATION command: ACCEPTED makes a still PENDING reservation ACTIVE (its EVSE RESERVED),
/// any other outcome REJECTED (see <see cref="ReservationLifecycle.Settle"/>).
/// </summary>
internal sealed class ConfirmedReservation(ReservationLifecycle reservations) : ICommandOutcomeEffect
{
    public IReadOnlyCollection<CommandType> CommandTypes { get; } = [CommandType.CreateReservation];

    public void Apply(WriteContext write, StationCommand command, CommandResultType outcome) =>
        reservations.Settle(write, command, outcome);
}
