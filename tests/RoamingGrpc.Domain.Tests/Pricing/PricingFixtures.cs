using System.Globalization;
using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>Short builders for tariffs and sessions in pricing tests.</summary>
internal static class PricingFixtures
{
    public static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;

    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>An instant written in UTC, e.g. "2024-06-03 10:00".</summary>
    public static DateTimeOffset At(string utc) =>
        DateTimeOffset.Parse(utc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static TimeSpan Minutes(double minutes) => TimeSpan.FromMinutes(minutes);

    public static TimeSpan Hours(double hours) => TimeSpan.FromHours(hours);

    public static PricingTariff Tariff(params PricingElement[] elements) => new("T1", "EUR", elements);

    public static PricingElement Element(params PricingComponent[] components) => new(components);

    public static PricingElement Element(PricingRestrictions restrictions, params PricingComponent[] components) => new(components, restrictions);

    public static PricingComponent Energy(decimal price, decimal? vat = null, int step = 0) => new(PriceDimension.Energy, price, vat, step);

    public static PricingComponent Time(decimal price, decimal? vat = null, int step = 0) => new(PriceDimension.Time, price, vat, step);

    public static PricingComponent Parking(decimal price, decimal? vat = null, int step = 0) => new(PriceDimension.ParkingTime, price, vat, step);

    public static PricingComponent Flat(decimal price, decimal? vat = null) => new(PriceDimension.Flat, price, vat);

    /// <summary>Charges linearly from <paramref name="start"/> for <paramref name="charging"/>, delivering <paramref name="kwh"/>, then parks.</summary>
    public static SessionUsage Charge(
        DateTimeOffset start,
        TimeSpan charging,
        decimal kwh,
        TimeSpan parking = default,
        decimal? powerKw = null,
        DateTimeOffset? reservationStart = null) =>
        new(
            start,
            start + charging + parking,
            [
                new UsageSample(start, 0m, UsageActivity.Charging, powerKw),
                new UsageSample(start + charging, kwh, UsageActivity.Parking, powerKw is null ? null : 0m),
            ],
            reservationStart);

    public static PricingResult Price(PricingTariff tariff, SessionUsage usage, TimeZoneInfo? zone = null) =>
        TariffPricer.Price(tariff, usage, zone ?? Utc);
}
