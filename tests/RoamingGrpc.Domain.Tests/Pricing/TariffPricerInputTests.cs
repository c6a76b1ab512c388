using RoamingGrpc.Domain.Pricing;
using static RoamingGrpc.Domain.Tests.Pricing.PricingFixtures;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>Input the pricer refuses, and input it tolerates.</summary>
public sealed class TariffPricerInputTests
{
    private static readonly DateTimeOffset Start = At("2024-06-03 10:00");

    public static TheoryData<string, SessionUsage> BadUsages => new()
    {
        { "ends", new SessionUsage(Start, Start - Minutes(1), [new UsageSample(Start, 0m, UsageActivity.Charging)]) },
        { "at least one sample", new SessionUsage(Start, Start + Hours(1), []) },
        {
            "ordered by time",
            new SessionUsage(Start, Start + Hours(1), [
                new UsageSample(Start, 0m, UsageActivity.Charging),
                new UsageSample(Start + Minutes(30), 5m, UsageActivity.Charging),
                new UsageSample(Start + Minutes(20), 6m, UsageActivity.Charging)])
        },
        {
            "must not decrease",
            new SessionUsage(Start, Start + Hours(1), [
                new UsageSample(Start, 0m, UsageActivity.Charging),
                new UsageSample(Start + Minutes(30), 5m, UsageActivity.Charging),
                new UsageSample(Start + Minutes(40), 4m, UsageActivity.Charging)])
        },
        { "outside the session", new SessionUsage(Start, Start + Hours(1), [new UsageSample(Start + Hours(2), 0m, UsageActivity.Charging)]) },
        { "outside the session", new SessionUsage(Start, Start + Hours(1), [new UsageSample(Start - Hours(1), 0m, UsageActivity.Charging)]) },
        { "negative", new SessionUsage(Start, Start + Hours(1), [new UsageSample(Start, -1m, UsageActivity.Charging)]) },
        { "after the session", new SessionUsage(Start, Start + Hours(1), [new UsageSample(Start, 0m, UsageActivity.Charging)], Start + Minutes(1)) },
        { "expired reservation", new SessionUsage(Start, Start + Hours(1), [new UsageSample(Start, 0m, UsageActivity.Charging)], Start - Hours(1), true) },
        { "expired reservation", new SessionUsage(Start, Start, [new UsageSample(Start, 0m, UsageActivity.Charging)], null, true) },
    };

    public static TheoryData<string, PricingTariff> BadTariffs => new()
    {
        { "no elements", Tariff() },
        { "no price components", Tariff(Element()) },
        { "not negative", Tariff(Element(Energy(-0.01m))) },
        { "not negative", Tariff(Element(Energy(0.30m, vat: -1m))) },
        { "not negative", Tariff(Element(Time(1m, step: -1))) },
        { "min not above max", Tariff(Element(Energy(0.30m))) with { MinPrice = 5m, MaxPrice = 4m } },
        { "minimum not above", Tariff(Element(new PricingRestrictions { MinKwh = 10m, MaxKwh = 5m }, Energy(0.30m))) },
        { "durations", Tariff(Element(new PricingRestrictions { MinDuration = Hours(2), MaxDuration = Hours(1) }, Energy(0.30m))) },
        { "currency", new PricingTariff("T1", "euro", [Element(Energy(0.30m))]) },
        { "tariff id", new PricingTariff(" ", "EUR", [Element(Energy(0.30m))]) },
    };

    [Theory]
    [MemberData(nameof(BadUsages))]
    public void Price_BadUsage_ThrowsArgumentExceptionSayingWhy(string expected, SessionUsage usage)
    {
        var error = Assert.Throws<ArgumentException>(() => Price(Tariff(Element(Energy(0.30m))), usage));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadTariffs))]
    public void Price_BadTariff_ThrowsArgumentExceptionSayingWhy(string expected, PricingTariff tariff)
    {
        var error = Assert.Throws<ArgumentException>(() => Price(tariff, Charge(Start, Hours(1), 10m)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Price_SamplesAtSameTime_LastOneCounts()
    {
        // 10:00 0 kWh, 10:30 5 kWh then again 10:30 7 kWh (parking), end 11:00: the energy reaches 7 kWh at 10:30, the
        // session parks from then: 7 x 0.30 = 2.10 energy + 30 min parking x 2.00 EUR/h = 1.00 -> 3.10.
        var usage = new SessionUsage(Start, Start + Hours(1), [
            new UsageSample(Start, 0m, UsageActivity.Charging),
            new UsageSample(Start + Minutes(30), 5m, UsageActivity.Charging),
            new UsageSample(Start + Minutes(30), 7m, UsageActivity.Parking)]);

        var result = Price(Tariff(Element(Energy(0.30m), Parking(2.00m))), usage);

        Assert.Equal(3.10m, result.TotalCostExclVat);
        Assert.Equal(7m, result.TotalEnergyKwh);
        Assert.Equal(Minutes(30), result.TotalParkingTime);
    }

    [Fact]
    public void Price_MeterReadingsInsteadOfSessionEnergy_CountedFromFirstSample()
    {
        // A meter at 1234.5 kWh at the start and 1244.5 kWh an hour later delivered 10 kWh: 10 x 0.30 = 3.00.
        var usage = new SessionUsage(Start, Start + Hours(1), [
            new UsageSample(Start, 1234.5m, UsageActivity.Charging),
            new UsageSample(Start + Hours(1), 1244.5m, UsageActivity.Parking)]);

        var result = Price(Tariff(Element(Energy(0.30m))), usage);

        Assert.Equal(3.00m, result.TotalCostExclVat);
        Assert.Equal(10m, result.TotalEnergyKwh);
    }

    [Fact]
    public void Price_FirstSampleAfterStart_DescribesSessionFromStart()
    {
        // The first sample (charging) comes 5 min after the start: charging counts from the start, 1 h x 1.20 = 1.20.
        var usage = new SessionUsage(Start, Start + Hours(1), [new UsageSample(Start + Minutes(5), 0m, UsageActivity.Charging)]);

        var result = Price(Tariff(Element(Time(1.20m))), usage);

        Assert.Equal(1.20m, result.TotalCostExclVat);
        Assert.Equal(Hours(1), result.TotalTime);
    }

    [Fact]
    public void Price_NullZone_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => TariffPricer.Price(Tariff(Element(Energy(0.30m))), Charge(Start, Hours(1), 10m), null!));
}
