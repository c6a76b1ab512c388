namespace RoamingGrpc.Domain.Pricing;

/// <summary>What happened in a session, as <see cref="TariffPricer"/> prices it.</summary>
/// <param name="Start">Start of the service session; no sample is earlier (a first sample after Start is taken to describe the session from Start).</param>
/// <param name="End">End of the session, or "now" for the cost so far; not before <paramref name="Start"/>.</param>
/// <param name="Samples">Ordered by time, at least one, the first at <paramref name="Start"/>.</param>
/// <param name="ReservationStart">When a reservation for the session began (UC3-8), at or before <paramref name="Start"/>; null = none.</param>
/// <param name="ReservationExpiredUnused">A reservation-only session whose reservation expired unused (Start == End).</param>
public sealed record SessionUsage(
    DateTimeOffset Start,
    DateTimeOffset End,
    IReadOnlyList<UsageSample> Samples,
    DateTimeOffset? ReservationStart = null,
    bool ReservationExpiredUnused = false);
