using RoamingGrpc.Domain.Pricing;
using static RoamingGrpc.Domain.Tests.Pricing.PricingFixtures;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>Step sizes, VAT, rounding and min/max price; every total computed by hand in the comment.</summary>
public sealed class TariffPricerBillingTests
{
    [Fact]
    public void Price_EnergyStepSize_RoundsUpToWholeSteps()
    {
        // Step 1000 Wh: 12.3 kWh are billed as 13 kWh x 0.30 = 3.90 EUR.
        var result = Price(Tariff(Element(Energy(0.30m, step: 1000))), Charge(At("2024-06-03 10:00"), Hours(1), 12.3m));

        Assert.Equal(3.90m, result.TotalCostExclVat);
        var energy = result.Dimension(BilledDimension.Energy)!;
        Assert.Equal(12.3m, energy.Volume);
        Assert.Equal(13m, energy.BilledVolume);
    }

    [Fact]
    public void Price_TimeStepSize_BilledPerStartedFiveMinutes()
    {
        // Step 300 s: 61 min of charging are billed as 65 min; 65/60 h x 3.00 EUR/h = 3.25 EUR.
        var result = Price(Tariff(Element(Time(3.00m, step: 300))), Charge(At("2024-06-03 10:00"), Minutes(61), 10m));

        Assert.Equal(3.25m, result.TotalCostExclVat);
        Assert.Equal(65m / 60m, result.Dimension(BilledDimension.Time)!.BilledVolume);
    }

    [Fact]
    public void Price_ParkingStepSize_BilledPerStartedQuarterHour()
    {
        // Step 900 s: 1 min of parking is billed as 15 min; 0.25 h x 4.00 EUR/h = 1.00 EUR.
        var result = Price(Tariff(Element(Parking(4.00m, step: 900))), Charge(At("2024-06-03 10:00"), Minutes(30), 10m, parking: Minutes(1)));

        Assert.Equal(1.00m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_StepSize_AppliesPerComponent()
    {
        // Day (until 22:00) 2.00 EUR/h and night 1.00 EUR/h, each with step 900 s. Charging 21:50-22:10 UTC:
        // 10 min day -> 15 min x 2.00 = 0.50; 10 min night -> 15 min x 1.00 = 0.25 -> 0.75 (not 20 min -> 30 min once).
        var day = new PricingRestrictions { EndTimeOfDay = new TimeOnly(22, 0) };
        var result = Price(Tariff(Element(day, Time(2.00m, step: 900)), Element(Time(1.00m, step: 900))), Charge(At("2024-06-03 21:50"), Minutes(20), 5m));

        Assert.Equal(0.75m, result.TotalCostExclVat);
        Assert.Equal([0.25m, 0.25m], result.Components.Select(component => component.BilledVolume));
    }

    [Fact]
    public void Price_TwoVatRates_VatPerRateOnUnroundedAmounts()
    {
        // Energy 10.35 kWh x 0.30 = 3.105 at 19 %: VAT 0.58995 -> 0.59.
        // Time 80 min x 1.00 EUR/h = 1.333333... at 7 %: VAT 0.0933333... -> 0.09.
        // Excl. VAT 4.438333... -> 4.44; incl. VAT 4.44 + 0.59 + 0.09 = 5.12. Energy cost 3.105 rounds half away from zero to 3.11.
        var result = Price(Tariff(Element(Energy(0.30m, vat: 19m), Time(1.00m, vat: 7m))), Charge(At("2024-06-03 10:00"), Minutes(80), 10.35m));

        Assert.Equal(4.44m, result.TotalCostExclVat);
        Assert.Equal(5.12m, result.TotalCostInclVat);
        Assert.Equal(3.11m, result.TotalEnergyCostExclVat);
        Assert.Equal(1.33m, result.TotalTimeCostExclVat);
        Assert.Equal(
            [new VatAmount(7m, 1.33m, 0.09m), new VatAmount(19m, 3.11m, 0.59m)],
            result.VatAmounts);
    }

    [Fact]
    public void Price_ComponentWithoutVat_CarriesNoVat()
    {
        // Energy 10 kWh x 0.30 = 3.00 at 19 % -> VAT 0.57; the parking component has no VAT: 1 h x 2.00 = 2.00.
        // Excl. 5.00, incl. 5.57.
        var result = Price(Tariff(Element(Energy(0.30m, vat: 19m), Parking(2.00m))), Charge(At("2024-06-03 10:00"), Hours(1), 10m, parking: Hours(1)));

        Assert.Equal(5.00m, result.TotalCostExclVat);
        Assert.Equal(5.57m, result.TotalCostInclVat);
        Assert.Equal(19m, Assert.Single(result.VatAmounts).RatePercent);
    }

    [Fact]
    public void Price_HalfCent_RoundsAwayFromZero()
    {
        // 1 kWh x 0.125 = 0.125 -> 0.13 (banker's rounding would give 0.12); VAT 20 % = 0.025 -> 0.03; incl. 0.16.
        var result = Price(Tariff(Element(Energy(0.125m, vat: 20m))), Charge(At("2024-06-03 10:00"), Hours(1), 1m));

        Assert.Equal(0.13m, result.TotalCostExclVat);
        Assert.Equal(0.03m, result.VatAmounts[0].Amount);
        Assert.Equal(0.16m, result.TotalCostInclVat);
    }

    [Fact]
    public void Price_Yen_RoundsToWholeYen()
    {
        // JPY has no minor unit: 12.5 kWh x 35 = 437.5 -> 438; VAT 10 % = 43.75 -> 44; incl. 482.
        var tariff = new PricingTariff("T-JP", "JPY", [Element(Energy(35m, vat: 10m))]);

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(1), 12.5m));

        Assert.Equal(438m, result.TotalCostExclVat);
        Assert.Equal(482m, result.TotalCostInclVat);
        Assert.Equal("482", MoneyFormat.Format(result.TotalCostInclVat, result.Currency));
    }

    [Fact]
    public void Price_KuwaitiDinar_RoundsToThreeDigits()
    {
        // KWD has 3 digits: 7 kWh x 0.0125 = 0.0875 -> 0.088.
        var tariff = new PricingTariff("T-KW", "KWD", [Element(Energy(0.0125m))]);

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(1), 7m));

        Assert.Equal(0.088m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_BelowMinPrice_RaisedToMinAndVatFollows()
    {
        // 10 kWh x 0.30 = 3.00 < min 5.00 -> 5.00; all at 19 %, so the VAT base is the whole 5.00: 0.95 -> 5.95.
        // The energy cost stays what was consumed: 3.00.
        var tariff = Tariff(Element(Energy(0.30m, vat: 19m))) with { MinPrice = 5.00m };

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(1), 10m));

        Assert.Equal(PriceLimit.MinPrice, result.AppliedLimit);
        Assert.Equal(3.00m, result.UnboundedCostExclVat);
        Assert.Equal(5.00m, result.TotalCostExclVat);
        Assert.Equal(5.95m, result.TotalCostInclVat);
        Assert.Equal(3.00m, result.TotalEnergyCostExclVat);
    }

    [Fact]
    public void Price_AboveMaxPrice_CappedAndVatScaledPerRate()
    {
        // Energy 50 kWh x 0.30 = 15.00 at 19 %, time 1 h x 5.00 = 5.00 at 7 %: 20.00 > max 10.00 -> factor 0.5.
        // Bases 7.50 (19 %) and 2.50 (7 %): VAT 1.425 -> 1.43 and 0.175 -> 0.18; incl. 10.00 + 1.43 + 0.18 = 11.61.
        var tariff = Tariff(Element(Energy(0.30m, vat: 19m), Time(5.00m, vat: 7m))) with { MaxPrice = 10.00m };

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(1), 50m));

        Assert.Equal(PriceLimit.MaxPrice, result.AppliedLimit);
        Assert.Equal(10.00m, result.TotalCostExclVat);
        Assert.Equal(11.61m, result.TotalCostInclVat);
        Assert.Equal([new VatAmount(7m, 2.50m, 0.18m), new VatAmount(19m, 7.50m, 1.43m)], result.VatAmounts);
    }

    [Fact]
    public void Price_MinPriceOnNothing_TaxedAtHighestRateOfTariff()
    {
        // No energy and the 19 % time component never applies (it needs 2 h): 0.00 -> min 2.00, taxed at the highest
        // rate in the tariff (19 %): VAT 0.38 -> 2.38.
        var tariff = Tariff(Element(Energy(0.30m, vat: 7m)), Element(new PricingRestrictions { MinDuration = Hours(2) }, Time(1.00m, vat: 19m))) with { MinPrice = 2.00m };

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Minutes(30), 0m));

        Assert.Equal(2.00m, result.TotalCostExclVat);
        Assert.Equal(2.38m, result.TotalCostInclVat);
    }

    [Fact]
    public void Price_RealisticTariff_MatchesHandComputedTotal()
    {
        // OCPI-like tariff, all at 19 % VAT:
        //   element 0: FLAT 0.50 + ENERGY 0.25 EUR/kWh (step 1 Wh)
        //   element 1: TIME 2.00 EUR/h after the first hour (min_duration 1 h, step 60 s)
        //   element 2: PARKING_TIME 5.00 EUR/h (step 300 s)
        // Charging 08:00-09:45 UTC delivering 42.42 kWh, then parking 09:45-10:02 (17 min).
        //   energy  42.42 x 0.25                       = 10.605
        //   time    09:00-09:45 = 45 min x 2.00 EUR/h   =  1.50
        //   parking 17 min -> 20 min x 5.00 EUR/h       =  1.666666...
        //   flat                                        =  0.50
        //   excl. VAT 14.271666... -> 14.27; VAT 19 % 2.7116166... -> 2.71; incl. 14.27 + 2.71 = 16.98
        // Per dimension: energy 10.605 -> 10.61, time 1.50, parking 1.666... -> 1.67, fixed 0.50.
        var tariff = Tariff(
            Element(Flat(0.50m, vat: 19m), Energy(0.25m, vat: 19m, step: 1)),
            Element(new PricingRestrictions { MinDuration = Hours(1) }, Time(2.00m, vat: 19m, step: 60)),
            Element(Parking(5.00m, vat: 19m, step: 300)));

        var result = Price(tariff, Charge(At("2024-06-03 08:00"), Minutes(105), 42.42m, parking: Minutes(17)), Berlin);

        Assert.Equal(14.27m, result.TotalCostExclVat);
        Assert.Equal(16.98m, result.TotalCostInclVat);
        Assert.Equal(10.61m, result.TotalEnergyCostExclVat);
        Assert.Equal(1.50m, result.TotalTimeCostExclVat);
        Assert.Equal(1.67m, result.TotalParkingCostExclVat);
        Assert.Equal(0.50m, result.TotalFixedCostExclVat);
        Assert.Equal(new VatAmount(19m, 14.27m, 2.71m), Assert.Single(result.VatAmounts));
        Assert.Equal(
            [At("2024-06-03 08:00"), At("2024-06-03 09:00"), At("2024-06-03 09:45")],
            result.Periods.Select(period => period.StartTime));
        Assert.Equal(42.42m, result.TotalEnergyKwh);
        Assert.Equal(Minutes(105), result.TotalTime);
        Assert.Equal(Minutes(17), result.TotalParkingTime);
    }
}
