namespace RoamingGrpc.Domain.Pricing;

/// <summary>The state restrictions are evaluated against.</summary>
/// <param name="Phase">Session or reservation.</param>
/// <param name="Local">Local wall-clock time at the site.</param>
/// <param name="EnergyKwh">Energy delivered so far.</param>
/// <param name="Duration">Time since the start of the session (of the reservation in reservation phases).</param>
/// <param name="PowerKw">Charging power.</param>
/// <param name="CurrentA">Charging current, null when unknown.</param>
internal readonly record struct PricingPoint(
    PricingPhase Phase,
    DateTime Local,
    decimal EnergyKwh,
    TimeSpan Duration,
    decimal PowerKw,
    decimal? CurrentA);
