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
    IOptions<StreamOptions> streamOptions,
    TimeProvider clock,
    ILogger<ChangeLogPruner> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => streamOptions.Value.PruneInterval;

    protected override string Job => "Pruning the change logs";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = streamOptions.Value;
        await PruneAsync("status", statuses, settings.StatusLogRetention, cancellationToken).ConfigureAwait(false);
        await PruneAsync("charging information", sessions, settings.ChargingInfoLogRetention, cancellationToken).ConfigureAwait(false);
    }

    private async Task PruneAsync<TEntry>(string name, IChangeLog<TEntry> log, TimeSpan retention, CancellationToken stoppingToken)
        where TEntry : ILogEntry
    {
        var removed = await log.PruneAsync(Clock.GetUtcNow() - retention, stoppingToken).ConfigureAwait(false);
        if (removed > 0)
        {
            Log.Pruned(Logger, removed, name, retention);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Pruning.ChangeLogPruned, Level = LogLevel.Information, Message = "Pruned {Count} {Log} log entries older than {Retention}")]
        public static partial void Pruned(ILogger logger, int count, string log, TimeSpan retention);
    }
}
