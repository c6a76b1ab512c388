using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Reservations;

namespace RoamingGrpc.Endpoint.Features.Reservations;

/// <summary>
/// Expires reservations at their expiry time (CSO endpoints, UC3-8): every <c>Roaming:Reservations:ExpirySweepInterval</c>
/// it looks for reservations still holding their EVSE whose expiry passed by the endpoint's clock, and
/// ends them EXPIRED (EVSE status restored, the CSP informed by durable push, billed where the tariff prices it).
/// Expiry times come from the database, so a restart neither loses nor extends them.
/// </summary>
internal sealed partial class ReservationExpiry(
    IReservationStore reservations,
    IDatabase database,
    ReservationLifecycle lifecycle,
    IOptions<ReservationOptions> reservationOptions,
    TimeProvider clock,
    ILogger<ReservationExpiry> logger) : PeriodicJob(clock, logger)
{
    protected override TimeSpan Interval => reservationOptions.Value.ExpirySweepInterval;

    protected override string Job => "Expiring reservations";

    /// <summary>Expires every reservation due now; returns how many expired.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var expired = 0;
        foreach (var reservationId in await reservations.DueAsync(Clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            if (await database.WriteAsync(write => lifecycle.Expire(write, reservationId), cancellationToken).ConfigureAwait(false) is { } reservation)
            {
                Log.Expired(Logger, reservation.ReservationId, reservation.ProviderId, reservation.EvseId);
                expired++;
            }
        }

        return expired;
    }

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => ExpireDueAsync(cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Schedules.ReservationExpired, Level = LogLevel.Information, Message = "Reservation {ReservationId} of {Provider} at {EvseId} expired unused")]
        public static partial void Expired(ILogger logger, string reservationId, string provider, string evseId);
    }
}
