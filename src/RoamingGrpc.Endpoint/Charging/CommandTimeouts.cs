using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Charging;

/// <summary>
/// Reports TIMEOUT for commands whose station gave no outcome within <c>Roaming:Charging:CommandTimeout</c>, and ends
/// sessions that stayed PENDING past <c>PendingTimeout</c> (CSO endpoints). Deadlines come from the database, so a
/// restart does not lose or extend them.
/// </summary>
internal sealed partial class CommandTimeouts(
    ICommandStore commands,
    ISessionStore sessions,
    IDatabase database,
    SessionDesk desk,
    ChargingFeeds feeds,
    OutboxSignal outboxSignal,
    EndpointSettings endpoint,
    IOptions<RoamingEndpointOptions> options,
    TimeProvider clock,
    ILogger<CommandTimeouts> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoint.Identity.Role != PartyRole.Cso)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.Charging.CommandSweepInterval, clock, stoppingToken).ConfigureAwait(false);
            try
            {
                var overdue = await commands.OverdueAsync(clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                foreach (var command in overdue)
                {
                    var result = await database.WriteAsync(write => desk.TimeOut(write, command.CommandId), stoppingToken).ConfigureAwait(false);
                    if (result is not null)
                    {
                        Log.TimedOut(logger, command.CommandId, command.Provider);
                    }
                }

                var stale = await sessions.StalePendingAsync(clock.GetUtcNow() - options.Value.Charging.PendingTimeout, stoppingToken).ConfigureAwait(false);
                foreach (var sessionId in stale)
                {
                    if (await database.WriteAsync(write => desk.ExpirePending(write, sessionId), stoppingToken).ConfigureAwait(false) is not null)
                    {
                        Log.PendingExpired(logger, sessionId);
                    }
                }

                if (overdue.Count + stale.Count > 0)
                {
                    feeds.ChargingInfo.Notify();
                    outboxSignal.Ring();
                }
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // The deadlines stay stored: the next sweep reports them.
                Log.SweepFailed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Command {CommandId} of {Provider} timed out; TIMEOUT reported")]
        public static partial void TimedOut(ILogger logger, string commandId, string provider);

        [LoggerMessage(EventId = 3603, Level = LogLevel.Information, Message = "Session {SessionId} was never started at the station; ended INVALID (TIMEOUT)")]
        public static partial void PendingExpired(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 3602, Level = LogLevel.Error, Message = "Looking for overdue commands failed; trying again at the next sweep")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
