using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// A periodic housekeeping job of a CSO endpoint (command timeouts, reservation expiry, maintenance times, log
/// pruning), or of every endpoint when <see cref="EveryRole"/>: runs <see cref="SweepAsync"/> every <see cref="Interval"/> on the endpoint's clock. Its due times live in
/// the database, so a failed round (storage busy or unavailable) is logged and simply repeated at the next interval.
/// </summary>
internal abstract partial class CsoSweep(EndpointSettings endpoint, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The endpoint's clock.</summary>
    protected TimeProvider Clock => clock;

    /// <summary>The job's logger.</summary>
    protected ILogger Logger => logger;

    /// <summary>Time between two rounds.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the job does, for the failure log (e.g. "expiring reservations").</summary>
    protected abstract string Job { get; }

    /// <summary>True for a job that both roles run (the request log); CSO-only otherwise.</summary>
    protected virtual bool EveryRole => false;

    /// <summary>One round.</summary>
    protected abstract Task SweepAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoint.Identity.Role != PartyRole.Cso && !EveryRole)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, clock, stoppingToken).ConfigureAwait(false);
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // Due times stay stored: the next round does what this one could not.
                Log.SweepFailed(logger, Job, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3901, Level = LogLevel.Error, Message = "{Job} failed; trying again at the next round")]
        public static partial void SweepFailed(ILogger logger, string job, Exception exception);
    }
}
