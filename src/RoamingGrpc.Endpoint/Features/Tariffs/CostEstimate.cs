using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Endpoint.Mapping;

namespace RoamingGrpc.Endpoint.Features.Tariffs;

/// <summary>
/// What an assumed session would cost by a tariff ("what would this session cost"): energy delivered evenly over the
/// charging time, then parked. Shared by TariffService.EstimateCost (CSO) and navigation (CSP, Annex A.2).
/// </summary>
internal static class CostEstimate
{
    /// <summary>Prices the assumed session in the site's time zone.</summary>
    public static PricingResult Price(
        Tariff tariff,
        string siteTimeZone,
        DateTimeOffset start,
        decimal energyKwh,
        TimeSpan charging,
        TimeSpan parking,
        decimal? averagePowerKw = null,
        TimeSpan reservation = default)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        var power = averagePowerKw ?? energyKwh * TimeSpan.TicksPerHour / charging.Ticks;
        var usage = new SessionUsage(
            start,
            start + charging + parking,
            [
                new UsageSample(start, 0m, UsageActivity.Charging, power),
                new UsageSample(start + charging, energyKwh, UsageActivity.Parking, 0m),
            ],
            reservation > TimeSpan.Zero ? start - reservation : null);
        return TariffPricer.Price(PricingMapping.ToPricing(tariff), usage, ZoneOf(siteTimeZone));
    }

    /// <summary>The site's time zone (IANA id), or UTC when the id is empty or unknown here.</summary>
    public static TimeZoneInfo ZoneOf(string timeZone) =>
        !string.IsNullOrEmpty(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var found) ? found : TimeZoneInfo.Utc;
}
