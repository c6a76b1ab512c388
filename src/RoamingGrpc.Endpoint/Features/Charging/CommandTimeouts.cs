using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// Reports TIMEOUT for commands whose station gave no outcome within <c>Roaming:Charging:CommandTimeout</c>, and ends
/// sessions that stayed PENDING past <c>PendingTimeout</c> (CSO endpoints). Deadlines come from the database, so a
/// restart does not lose or extend them.
/// </summary>
internal sealed partial class CommandTimeouts(
    ICommandStore commands,
    ISessionStore sessions,
    IDatabase database,
    CommandOutcomes outcomes,
    SessionEvents events,
    IOptions<ChargingOptions> chargingOptions,
    TimeProvider clock,
    ILogger<CommandTimeouts> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => chargingOptions.Value.CommandSweepInterval;

    protected override string Job => "Looking for overdue commands and pending sessions";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var overdue = await commands.OverdueAsync(Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        foreach (var command in overdue)
        {
            var result = await database.WriteAsync(write => outcomes.TimeOut(write, command.CommandId), cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                Log.TimedOut(Logger, command.CommandId, command.Provider);
            }
        }

        var stale = await sessions.StalePendingAsync(Clock.GetUtcNow() - chargingOptions.Value.PendingTimeout, cancellationToken).ConfigureAwait(false);
        foreach (var sessionId in stale)
        {
            if (await database.WriteAsync(write => events.ExpirePending(write, sessionId), cancellationToken).ConfigureAwait(false) is not null)
            {
                Log.PendingExpired(Logger, sessionId);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Commands.TimedOut, Level = LogLevel.Information, Message = "Command {CommandId} of {Provider} timed out; TIMEOUT reported")]
        public static partial void TimedOut(ILogger logger, string commandId, string provider);

        [LoggerMessage(EventId = LogEvents.Commands.PendingExpired, Level = LogLevel.Information, Message = "Session {SessionId} was never started at the station; ended INVALID (TIMEOUT)")]
        public static partial void PendingExpired(ILogger logger, string sessionId);
    }
}
