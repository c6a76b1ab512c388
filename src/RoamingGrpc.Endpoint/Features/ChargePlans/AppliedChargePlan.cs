using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.ChargePlans;

/// <summary>
/// The outcome of a SET_CHARGE_PLAN or CLEAR_CHARGE_PLAN command: the station applied (or refused) the CSP's plan, so
/// the plan in force of a session still running changes (and is streamed again) or stays; a session that ended
/// meanwhile keeps no plan.
/// </summary>
internal sealed class AppliedChargePlan(ISessionStore sessions, ChargePlansInForce plans, ChargingInfoProjection projection, TimeProvider clock) : ICommandOutcomeEffect
{
    public IReadOnlyCollection<CommandType> CommandTypes { get; } = [CommandType.SetChargePlan, CommandType.ClearChargePlan];

    public void Apply(WriteContext write, StationCommand command, CommandResultType outcome)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.SessionId.Length == 0 || sessions.Find(write, command.SessionId) is not { State: (long)SessionState.Pending or (long)SessionState.Active } held)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var session = Session.Parser.ParseFrom(held.Payload);
        if (plans.Settle(write, session, command, outcome, now, now))
        {
            projection.Restream(write, session, command.CommandId, now);
        }
    }
}
