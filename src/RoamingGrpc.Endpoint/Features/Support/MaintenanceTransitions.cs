using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Support;

namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>
/// Moves maintenance notices at their times (CSO endpoints): SCHEDULED to ACTIVE at the start, ACTIVE to ENDED at the
/// end, every <c>Roaming:Support:MaintenanceSweepInterval</c>, reading the time from the endpoint's
/// <see cref="TimeProvider"/>. Due times come from the database, so a restart neither loses nor repeats a move.
/// </summary>
internal sealed partial class MaintenanceTransitions(
    IMaintenanceStore store,
    IDatabase database,
    MaintenanceNotices notices,
    IOptions<SupportOptions> supportOptions,
    TimeProvider clock,
    ILogger<MaintenanceTransitions> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => supportOptions.Value.MaintenanceSweepInterval;

    protected override string Job => "Moving maintenance notices at their times";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var moved = 0;
        foreach (var noticeId in await store.DueAsync(Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            var notice = await database.WriteAsync(write => notices.Advance(write, noticeId), cancellationToken).ConfigureAwait(false);
            if (notice is not null)
            {
                Log.Moved(Logger, noticeId, notice.State);
                moved++;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Schedules.MaintenanceMoved, Level = LogLevel.Information, Message = "Maintenance notice {NoticeId} is {State} now")]
        public static partial void Moved(ILogger logger, string noticeId, MaintenanceNoticeState state);
    }
}
