using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Outbox;

namespace RoamingGrpc.Endpoint.Observability;

/// <summary>Samples the outbox (depth and oldest age per partner) for the metrics every few seconds.</summary>
internal sealed partial class OutboxSampler(IOutbox outbox, Partners.PartnerDirectory partners, Hosting.EndpointSettings endpoint, RoamingMetrics metrics, TimeProvider clock, ILogger<OutboxSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
                var waiting = (await outbox.StatsAsync(stoppingToken).ConfigureAwait(false)).ToDictionary(row => row.Partner, StringComparer.Ordinal);
                // Every partner is reported, an empty queue as 0, so that a dashboard sees the queue drain.
                var keys = partners.All.Where(partner => partner.Identity.Role == endpoint.Identity.Role.Counterpart()).Select(partner => partner.Identity.ToString()).Concat(waiting.Keys).Distinct(StringComparer.Ordinal);
                metrics.SetOutbox([.. keys.Select(key => waiting.TryGetValue(key, out var row)
                    ? (key, row.Depth, Math.Max(0, now - row.OldestEnqueueTime) / 1000.0)
                    : (key, 0L, 0.0))]);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // A metric sample is not worth failing for: the next interval samples again.
                Log.SampleFailed(logger, ex);
            }

            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(false);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Metrics.OutboxSampleFailed, Level = LogLevel.Warning, Message = "Sampling the outbox for metrics failed; trying again at the next interval")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
