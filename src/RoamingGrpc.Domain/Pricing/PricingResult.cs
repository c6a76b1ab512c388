namespace RoamingGrpc.Domain.Pricing;

/// <summary>
/// The priced session. Costs are in <see cref="Currency"/>, rounded once to its minor unit (half away from zero);
/// totals are computed from unrounded parts, so they need not equal the sum of rounded parts.
/// </summary>
public sealed record PricingResult
{
    /// <summary>The tariff that priced the session.</summary>
    public required string TariffId { get; init; }

    /// <summary>ISO 4217 currency of every cost.</summary>
    public required string Currency { get; init; }

    /// <summary>Reservation periods, then session periods, in time order.</summary>
    public required IReadOnlyList<PricingPeriod> Periods { get; init; }

    /// <summary>Per price component that billed something: volumes, step rounding and exact cost.</summary>
    public required IReadOnlyList<BilledComponent> Components { get; init; }

    /// <summary>Per billed dimension (in enum order): volumes and rounded cost excl. VAT.</summary>
    public required IReadOnlyList<DimensionTotal> Dimensions { get; init; }

    /// <summary>VAT per rate, ascending by rate; rates of 0 included, components without a rate not.</summary>
    public required IReadOnlyList<VatAmount> VatAmounts { get; init; }

    /// <summary>Sum of the components' exact costs excl. VAT, before min/max price and rounding.</summary>
    public required decimal UnboundedCostExclVat { get; init; }

    /// <summary>Whether min_price or max_price changed the total.</summary>
    public required PriceLimit AppliedLimit { get; init; }

    /// <summary>Total cost excl. VAT, bounded by min/max price, rounded.</summary>
    public required decimal TotalCostExclVat { get; init; }

    /// <summary><see cref="TotalCostExclVat"/> plus the rounded VAT amounts.</summary>
    public required decimal TotalCostInclVat { get; init; }

    /// <summary>Cost of the session's flat fee excl. VAT, rounded; null when none was charged.</summary>
    public decimal? TotalFixedCostExclVat { get; init; }

    /// <summary>Cost of energy excl. VAT, rounded; null when energy was never priced.</summary>
    public decimal? TotalEnergyCostExclVat { get; init; }

    /// <summary>Cost of charging time excl. VAT, rounded; null when time was never priced.</summary>
    public decimal? TotalTimeCostExclVat { get; init; }

    /// <summary>Cost of parking time excl. VAT, rounded; null when parking was never priced.</summary>
    public decimal? TotalParkingCostExclVat { get; init; }

    /// <summary>Cost of the reservation (time and reservation fee) excl. VAT, rounded; null when no reservation was priced.</summary>
    public decimal? TotalReservationCostExclVat { get; init; }

    /// <summary>Energy delivered in the session, kWh.</summary>
    public required decimal TotalEnergyKwh { get; init; }

    /// <summary>Charging time (activity <see cref="UsageActivity.Charging"/>), priced or not.</summary>
    public required TimeSpan TotalTime { get; init; }

    /// <summary>Parking time (activity <see cref="UsageActivity.Parking"/>), priced or not.</summary>
    public required TimeSpan TotalParkingTime { get; init; }

    /// <summary>Time from the reservation's start to the session's start (or expiry).</summary>
    public required TimeSpan TotalReservationTime { get; init; }

    /// <summary>The total of <paramref name="dimension"/>, or null when nothing was billed as it.</summary>
    public DimensionTotal? Dimension(BilledDimension dimension) => Dimensions.FirstOrDefault(total => total.Dimension == dimension);
}
