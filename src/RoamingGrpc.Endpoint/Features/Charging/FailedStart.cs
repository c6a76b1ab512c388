using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The outcome of a START_SESSION command that the station reported without starting (or that timed out): the start
/// never happened, so its PENDING session is void (INVALID) and says why. A STARTED start is a session event instead.
/// </summary>
internal sealed class FailedStart(ISessionStore sessions, ChargePlansInForce plans, SessionPublisher publisher, TimeProvider clock) : ICommandOutcomeEffect
{
    public IReadOnlyCollection<CommandType> CommandTypes { get; } = [CommandType.StartSession];

    public void Apply(WriteContext write, StationCommand command, CommandResultType outcome)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.SessionId.Length == 0 || sessions.Find(write, command.SessionId) is not { State: (long)SessionState.Pending } row)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var session = Session.Parser.ParseFrom(row.Payload);
        session.State = SessionState.Invalid;
        session.EndTime = Timestamp.FromDateTimeOffset(now);
        session.StopReason = outcome == CommandResultType.Timeout ? StopReason.Timeout : StopReason.Other;
        plans.End(write, session, now);
        SessionPublisher.Stamp(session, now);
        publisher.Save(write, session, ChargingInfoProjection.Of(session, null, null, command.CommandId, now), push: true, now);
    }
}
