namespace RoamingGrpc.Domain.Pricing;

/// <summary>
/// Prices a session by a tariff, following OCPI 2.2.1 tariffs as the contract (tariffs.proto, Money) describes them.
/// </summary>
/// <remarks>
/// <para><b>Periods.</b> The session is split at every sample and at every instant a restriction can change: local
/// midnight, the restrictions' times of day (in the site's time zone; both instants of a time that repeats when the
/// clocks go back, and the jump itself for a time the clocks skip), start + min/max duration, and the instants the
/// energy so far crosses a min/max kWh (energy is interpolated linearly between samples to 1e-12 kWh, the crossing
/// rounded up to the next 100 ns tick). Adjacent stretches within one sample interval that are priced by the same components are merged,
/// so a period starts at each sample and at each boundary that changed the pricing. Zero-length sample intervals are
/// skipped.</para>
/// <para><b>Which element prices.</b> For each period and each dimension (ENERGY always; TIME while the sample's activity
/// is <see cref="UsageActivity.Charging"/>, PARKING_TIME while it is <see cref="UsageActivity.Parking"/>) the first
/// element in list order whose restrictions all hold and that has a component of that dimension prices it (the first
/// such component of the element). A dimension no element prices is free in that period. Restrictions are evaluated
/// with: local time, date and weekday in the site's zone; energy delivered since the start; duration since the start;
/// the sample's power (or, when unknown, the interval's average power, energy / time, 0 after the last sample); the
/// sample's current. Minimums are inclusive, maximums exclusive. A time of day range whose end is before its start
/// crosses midnight; equal start and end mean the whole day; a start alone lasts until midnight, an end alone begins at
/// midnight. A current restriction does not hold while the current is unknown.</para>
/// <para><b>Flat fee.</b> Charged once per session, by the first non-reservation element that applies at the session's
/// start (energy 0, duration 0, the first sample's power and current) and has a FLAT component; an element whose
/// restrictions only hold later never charges its FLAT. A reservation that expired unused has no session flat fee. The
/// fee appears as a FLAT dimension of the first period.</para>
/// <para><b>Reservation.</b> Elements with a reservation restriction price only reservations; the others price only
/// charging and parking. The time from <see cref="SessionUsage.ReservationStart"/> to the session's start (for an
/// expired reservation: to its end, which is then the start) is split like the session and priced as reservation time
/// by the TIME component of the first applying reservation element (energy, power and current are 0, duration counts
/// from the reservation's start). RESERVATION elements apply to every reservation; RESERVATION_EXPIRES elements only to
/// one that expired unused, so list a RESERVATION_EXPIRES element first to price expiry differently. The FLAT component
/// of the first reservation element applying at the reservation's start is a reservation fee, charged once and counted
/// in the reservation cost (not the fixed cost). ENERGY and PARKING_TIME components of reservation elements are never
/// used.</para>
/// <para><b>Step size.</b> At the end, the total volume each price component priced is rounded up to a multiple of its
/// step size (ENERGY in Wh, TIME/PARKING_TIME/reservation time in seconds; 0 or 1 = no stepping; FLAT has none) and
/// priced at that component's price. Exact volumes and costs are kept (decimal), nothing is rounded before the
/// totals.</para>
/// <para><b>Min/max price.</b> The exact total excl. VAT is raised to min_price or capped at max_price. VAT follows the
/// bounded total: every rate's taxable base is scaled by bounded / unbounded, so each rate keeps its share. When the
/// unbounded total is 0 and min_price raises it, the whole minimum is taxed at the highest VAT rate stated anywhere in the
/// tariff (untaxed if none). The per-dimension costs (energy, time, parking, fixed, reservation) are not bounded: they
/// describe what was consumed, and need not add up to the total.</para>
/// <para><b>Rounding and VAT.</b> Costs are rounded once, at the end, to the currency's minor unit
/// (<see cref="CurrencyMinorUnits"/>) half away from zero. VAT is computed per rate on the unrounded (bounded) amount
/// excl. VAT of the components with that rate and rounded once per rate; components without a rate carry no VAT. Total
/// incl. VAT = rounded total excl. VAT + the rounded VAT amounts.</para>
/// <para><b>Usage.</b> Samples at the same instant: the last one counts. A first sample after the start describes the
/// session from the start. Energy is counted from the first sample (normally 0), so meter readings work as well;
/// after the last sample it stays constant and the last sample's activity lasts until the end.</para>
/// <para><b>Bad input</b> throws <see cref="ArgumentException"/> naming the problem: no elements, an element without
/// components, negative prices, VAT rates, step sizes or bounds, min above max; no samples, samples out of time order,
/// before the start or after the end, decreasing or negative energy, end before start, a reservation starting after
/// the session, an expired reservation without a reservation start or with a session of non-zero length. No cost is
/// ever negative.</para>
/// </remarks>
public static class TariffPricer
{
    /// <summary>Prices <paramref name="usage"/> by <paramref name="tariff"/>, with local times in <paramref name="siteTimeZone"/>.</summary>
    /// <exception cref="ArgumentException">The tariff or the usage cannot be priced; the message says why.</exception>
    public static PricingResult Price(PricingTariff tariff, SessionUsage usage, TimeZoneInfo siteTimeZone)
    {
        ArgumentNullException.ThrowIfNull(siteTimeZone);
        TariffChecks.Validate(tariff);
        var timeline = UsageTimeline.Create(usage);
        var run = new PricingRun(tariff, timeline, siteTimeZone);
        run.PriceReservation();
        run.PriceSession();
        return run.Result();
    }
}
