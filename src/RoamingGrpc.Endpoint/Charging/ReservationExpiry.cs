using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Reservations;

namespace RoamingGrpc.Endpoint.Charging;

/// <summary>
/// Expires reservations at their expiry time (CSO endpoints, UC3-8): every <c>Roaming:Reservations:ExpirySweepInterval</c>
/// it looks for reservations still holding their EVSE whose expiry passed by the <see cref="ReservationClock"/>, and
/// ends them EXPIRED (EVSE status restored, the CSP informed by durable push, billed where the tariff prices it).
/// Expiry times come from the database, so a restart neither loses nor extends them.
/// </summary>
internal sealed partial class ReservationExpiry(
    IReservationStore reservations,
    IDatabase database,
    ReservationDesk desk,
    ChargingFeeds feeds,
    LogFeed statusFeed,
    OutboxSignal outboxSignal,
    EndpointSettings endpoint,
    IOptions<RoamingEndpointOptions> options,
    ReservationClock reservationClock,
    TimeProvider clock,
    ILogger<ReservationExpiry> logger) : BackgroundService
{
    /// <summary>Expires every reservation due now; returns how many expired.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var expired = 0;
        foreach (var reservationId in await reservations.DueAsync(reservationClock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            if (await database.WriteAsync(write => desk.Expire(write, reservationId), cancellationToken).ConfigureAwait(false) is { } reservation)
            {
                Log.Expired(logger, reservation.ReservationId, reservation.ProviderId, reservation.EvseId);
                expired++;
            }
        }

        if (expired > 0)
        {
            statusFeed.Notify();
            feeds.ChargingInfo.Notify();
            outboxSignal.Ring();
        }

        return expired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (endpoint.Identity.Role != PartyRole.Cso)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.Reservations.ExpirySweepInterval, clock, stoppingToken).ConfigureAwait(false);
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or StorageUnavailableException && !stoppingToken.IsCancellationRequested)
            {
                // The expiry times stay stored: the next sweep expires them.
                Log.SweepFailed(logger, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3811, Level = LogLevel.Information, Message = "Reservation {ReservationId} of {Provider} at {EvseId} expired unused")]
        public static partial void Expired(ILogger logger, string reservationId, string provider, string evseId);

        [LoggerMessage(EventId = 3812, Level = LogLevel.Error, Message = "Expiring reservations failed; trying again at the next sweep")]
        public static partial void SweepFailed(ILogger logger, Exception exception);
    }
}
