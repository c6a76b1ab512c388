namespace RoamingGrpc.Endpoint.Features.Reservations;

/// <summary>
/// The time reservations are created, checked, listed and expired by (UC3-8). In production it is the endpoint's
/// <see cref="TimeProvider"/>. Tests replace this one service to move reservation time forward (expiry) without
/// waiting, while every background loop keeps delaying on the real clock.
/// </summary>
public sealed class ReservationClock(TimeProvider time)
{
    /// <summary>The current reservation time, UTC.</summary>
    public DateTimeOffset GetUtcNow() => time.GetUtcNow();
}
