using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Streams;

/// <summary>Keeps the status log within <c>Roaming:Streams:StatusLogRetention</c> (CSO endpoints).</summary>
internal sealed partial class StatusLogPruner(
    IEvseStatusStore store,
    EndpointSettings endpoint,
    IOptions<RoamingEndpointOptions> options,
    TimeProvider clock,
    ILogger<StatusLogPruner> logger) : BackgroundService
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
                var removed = await store.PruneAsync(clock.GetUtcNow() - settings.StatusLogRetention, stoppingToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    Log.Pruned(logger, removed, settings.StatusLogRetention);
                }
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Storage.StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // Pruning is housekeeping: the next interval tries again; the endpoint keeps serving.
                Log.PruneFailed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Pruned {Count} status log entries older than {Retention}")]
        public static partial void Pruned(ILogger logger, int count, TimeSpan retention);

        [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "Pruning the status log failed; trying again at the next interval")]
        public static partial void PruneFailed(ILogger logger, Exception exception);
    }
}
