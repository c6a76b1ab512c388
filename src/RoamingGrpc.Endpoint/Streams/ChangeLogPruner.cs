using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Streams;

/// <summary>
/// Keeps the change logs that streams resume from within their retention (CSO endpoints): the status log
/// (<c>Roaming:Streams:StatusLogRetention</c>) and the charging-information log (<c>ChargingInfoLogRetention</c>).
/// </summary>
internal sealed partial class ChangeLogPruner(
    IEvseStatusStore statuses,
    ISessionStore sessions,
    EndpointSettings endpoint,
    IOptions<RoamingEndpointOptions> options,
    TimeProvider clock,
    ILogger<ChangeLogPruner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoint.Identity.Role != PartyRole.Cso)
        {
            return;
        }

        var settings = options.Value.Streams;
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(settings.PruneInterval, clock, stoppingToken).ConfigureAwait(false);
            try
            {
                await PruneAsync("status", statuses, settings.StatusLogRetention, stoppingToken).ConfigureAwait(false);
                await PruneAsync("charging information", sessions, settings.ChargingInfoLogRetention, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Storage.StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // Pruning is housekeeping: the next interval tries again; the endpoint keeps serving.
                Log.PruneFailed(logger, ex);
            }
        }
    }

    private async Task PruneAsync<TEntry>(string name, IChangeLog<TEntry> log, TimeSpan retention, CancellationToken stoppingToken)
        where TEntry : ILogEntry
    {
        var removed = await log.PruneAsync(clock.GetUtcNow() - retention, stoppingToken).ConfigureAwait(false);
        if (removed > 0)
        {
            Log.Pruned(logger, removed, name, retention);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Pruned {Count} {Log} log entries older than {Retention}")]
        public static partial void Pruned(ILogger logger, int count, string log, TimeSpan retention);

        [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Pruning a change log failed; trying again at the next interval")]
        public static partial void PruneFailed(ILogger logger, Exception exception);
    }
}
