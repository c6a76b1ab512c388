using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// A periodic housekeeping job (command timeouts, reservation expiry, maintenance times, log pruning): runs
/// <see cref="RunOnceAsync"/> every <see cref="Interval"/> on the endpoint's clock (a test that moves the clock moves the
/// job). Its due times live in the database, so a failed round (storage busy or unavailable) is logged and simply
/// repeated at the next interval. Each role registers the jobs it needs.
/// </summary>
internal abstract partial class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The endpoint's clock.</summary>
    protected TimeProvider Clock => clock;

    /// <summary>The job's logger.</summary>
    protected ILogger Logger => logger;

    /// <summary>Time between two rounds.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job does, for the failure log (e.g. "expiring reservations").</summary>
    protected abstract string Job { get; }

    /// <summary>One round.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(false);
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // Due times stay stored: the next round does what this one could not.
                Log.RoundFailed(logger, Job, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Jobs.RoundFailed, Level = LogLevel.Error, Message = "{Job} failed; trying again at the next round")]
        public static partial void RoundFailed(ILogger logger, string job, Exception exception);
    }
}
