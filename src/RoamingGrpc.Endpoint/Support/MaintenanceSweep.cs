using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Support;

namespace RoamingGrpc.Endpoint.Support;

/// <summary>
/// Moves maintenance notices at their times (CSO endpoints): SCHEDULED to ACTIVE at the start, ACTIVE to ENDED at the
/// end, every <c>Roaming:Support:MaintenanceSweepInterval</c>, reading the time from the endpoint's
/// <see cref="TimeProvider"/>. Due times come from the database, so a restart neither loses nor repeats a move.
/// </summary>
internal sealed partial class MaintenanceSweep(
    IMaintenanceStore notices,
    IDatabase database,
    MaintenanceDesk desk,
    LogFeed statusFeed,
    OutboxSignal outboxSignal,
    EndpointSettings endpoint,
    IOptions<RoamingEndpointOptions> options,
    TimeProvider clock,
    ILogger<MaintenanceSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoint.Identity.Role != PartyRole.Cso)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.Support.MaintenanceSweepInterval, clock, stoppingToken).ConfigureAwait(false);
            try
            {
                var moved = 0;
                foreach (var noticeId in await notices.DueAsync(clock.GetUtcNow(), stoppingToken).ConfigureAwait(false))
                {
                    var notice = await database.WriteAsync(write => desk.Advance(write, noticeId), stoppingToken).ConfigureAwait(false);
                    if (notice is not null)
                    {
                        Log.Moved(logger, noticeId, notice.State);
                        moved++;
                    }
                }

                if (moved > 0)
                {
                    statusFeed.Notify();
                    outboxSignal.Ring();
                }
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // The due times stay stored: the next sweep moves the notices.
                Log.SweepFailed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3801, Level = LogLevel.Information, Message = "Maintenance notice {NoticeId} is {State} now")]
        public static partial void Moved(ILogger logger, string noticeId, MaintenanceNoticeState state);

        [LoggerMessage(EventId = 3802, Level = LogLevel.Error, Message = "Moving maintenance notices at their times failed; trying again at the next sweep")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
