using RoamingGrpc.Domain.Pricing;
using static RoamingGrpc.Domain.Tests.Pricing.PricingFixtures;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>Each restriction splits the session where it changes; every total is computed by hand in the comment.</summary>
public sealed class TariffPricerRestrictionTests
{
    [Fact]
    public void Price_TimeOfDay_SplitsAtEndOfDayRate()
    {
        // Day 06:00-22:00 at 0.40 EUR/kWh, otherwise 0.20. 21:00-23:00 UTC, 20 kWh linear = 10 kWh per hour:
        // 10 x 0.40 = 4.00 + 10 x 0.20 = 2.00 -> 6.00 EUR, in periods starting 21:00 and 22:00.
        var day = new PricingRestrictions { StartTimeOfDay = new TimeOnly(6, 0), EndTimeOfDay = new TimeOnly(22, 0) };
        var result = Price(Tariff(Element(day, Energy(0.40m)), Element(Energy(0.20m))), Charge(At("2024-06-03 21:00"), Hours(2), 20m));

        Assert.Equal(6.00m, result.TotalCostExclVat);
        Assert.Equal([At("2024-06-03 21:00"), At("2024-06-03 22:00")], result.Periods.Select(period => period.StartTime));
        Assert.Equal([10m, 10m], result.Periods.Select(period => period.Volume(PeriodDimensionType.Energy)));
    }

    [Fact]
    public void Price_TimeOfDayCrossingMidnight_AppliesOnBothSidesOfMidnight()
    {
        // Night 22:00-06:00 at 1.00 EUR/h, otherwise 3.00. Charging 20:00-02:00 UTC:
        // 20-22 = 2 h x 3.00 = 6.00; 22-02 = 4 h x 1.00 = 4.00 -> 10.00. Midnight changes nothing, so no period starts there.
        var night = new PricingRestrictions { StartTimeOfDay = new TimeOnly(22, 0), EndTimeOfDay = new TimeOnly(6, 0) };
        var result = Price(Tariff(Element(night, Time(1.00m)), Element(Time(3.00m))), Charge(At("2024-06-03 20:00"), Hours(6), 30m));

        Assert.Equal(10.00m, result.TotalCostExclVat);
        Assert.Equal([At("2024-06-03 20:00"), At("2024-06-03 22:00")], result.Periods.Select(period => period.StartTime));
    }

    [Fact]
    public void Price_TimeOfDayInSiteZone_UsesLocalTime()
    {
        // Same night rate, site in Europe/Berlin (UTC+1 in January). 20:00-23:00 UTC = 21:00-24:00 local:
        // 20:00-21:00 UTC (21-22 local) x 3.00 = 3.00; 21:00-23:00 UTC (22-24 local) 2 h x 1.00 = 2.00 -> 5.00.
        var night = new PricingRestrictions { StartTimeOfDay = new TimeOnly(22, 0), EndTimeOfDay = new TimeOnly(6, 0) };
        var result = Price(Tariff(Element(night, Time(1.00m)), Element(Time(3.00m))), Charge(At("2024-01-15 20:00"), Hours(3), 30m), Berlin);

        Assert.Equal(5.00m, result.TotalCostExclVat);
        Assert.Equal(At("2024-01-15 21:00"), result.Periods[1].StartTime);
    }

    [Fact]
    public void Price_TimeOfDayInSkippedHour_TakesEffectWhenClocksJump()
    {
        // Berlin, 2024-03-31: at 01:00 UTC the clocks jump from 02:00 CET to 03:00 CEST, so local 02:30 never happens.
        // The 02:30-04:00 element (6.00 EUR/h) applies from the jump (01:00 UTC = 03:00 local) to 04:00 local
        // (02:00 UTC): 1 h x 6.00 = 6.00 of the 00:00-03:00 UTC session.
        var early = new PricingRestrictions { StartTimeOfDay = new TimeOnly(2, 30), EndTimeOfDay = new TimeOnly(4, 0) };
        var result = Price(Tariff(Element(early, Time(6.00m))), Charge(At("2024-03-31 00:00"), Hours(3), 30m), Berlin);

        Assert.Equal(6.00m, result.TotalCostExclVat);
        Assert.Equal(
            [(At("2024-03-31 00:00"), (string?)null), (At("2024-03-31 01:00"), "T1"), (At("2024-03-31 02:00"), null)],
            result.Periods.Select(period => (period.StartTime, period.TariffId)));
    }

    [Fact]
    public void Price_TimeOfDayInRepeatedHour_AppliesBothTimes()
    {
        // Berlin, 2024-10-27: at 01:00 UTC the clocks go back from 03:00 CEST to 02:00 CET, so 02:30-03:00 local
        // happens twice: 00:30-01:00 UTC and 01:30-02:00 UTC. 2 x 30 min x 6.00 EUR/h = 6.00 of the 00:00-03:00 UTC session.
        var repeated = new PricingRestrictions { StartTimeOfDay = new TimeOnly(2, 30), EndTimeOfDay = new TimeOnly(3, 0) };
        var result = Price(Tariff(Element(repeated, Time(6.00m))), Charge(At("2024-10-27 00:00"), Hours(3), 30m), Berlin);

        Assert.Equal(6.00m, result.TotalCostExclVat);
        Assert.Equal(
            [At("2024-10-27 00:30"), At("2024-10-27 01:30")],
            result.Periods.Where(period => period.TariffId is not null).Select(period => period.StartTime));
    }

    [Fact]
    public void Price_StartDate_AppliesFromThatDateInclusive()
    {
        // From 2024-03-01 energy costs 0.50 EUR/kWh, before 0.30. 23:00-01:00 UTC, 8 kWh linear = 4 kWh per hour:
        // 4 x 0.30 = 1.20 + 4 x 0.50 = 2.00 -> 3.20.
        var fromMarch = new PricingRestrictions { StartDate = new DateOnly(2024, 3, 1) };
        var result = Price(Tariff(Element(fromMarch, Energy(0.50m)), Element(Energy(0.30m))), Charge(At("2024-02-29 23:00"), Hours(2), 8m));

        Assert.Equal(3.20m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_EndDate_AppliesUntilThatDateExclusive()
    {
        // Until 2024-03-01 (exclusive) 0.50 EUR/kWh, then 0.30. Same session: 4 x 0.50 = 2.00 + 4 x 0.30 = 1.20 -> 3.20,
        // but the expensive hour is now the first.
        var untilMarch = new PricingRestrictions { EndDate = new DateOnly(2024, 3, 1) };
        var result = Price(Tariff(Element(untilMarch, Energy(0.50m)), Element(Energy(0.30m))), Charge(At("2024-02-29 23:00"), Hours(2), 8m));

        Assert.Equal(3.20m, result.TotalCostExclVat);
        Assert.Equal([ 0, 1 ], result.Components.Select(component => component.ElementIndex));
        Assert.Equal(2.00m, result.Components[0].CostExclVat);
    }

    [Fact]
    public void Price_DaysOfWeek_AppliesOnWeekendOnly()
    {
        // Weekend 2.00 EUR/h, otherwise 1.00. Friday 2024-03-08 23:00 to Saturday 01:00 UTC:
        // 1 h Friday x 1.00 + 1 h Saturday x 2.00 = 3.00.
        var weekend = new PricingRestrictions { DaysOfWeek = [DayOfWeek.Saturday, DayOfWeek.Sunday] };
        var result = Price(Tariff(Element(weekend, Time(2.00m)), Element(Time(1.00m))), Charge(At("2024-03-08 23:00"), Hours(2), 10m));

        Assert.Equal(3.00m, result.TotalCostExclVat);
        Assert.Equal(At("2024-03-09 00:00"), result.Periods[1].StartTime);
    }

    [Fact]
    public void Price_MinAndMaxKwh_SplitWhereEnergyCrossesThreshold()
    {
        // 0-10 kWh at 0.20 (max_kwh 10), then 0.40; time costs 6.00 EUR/h once 10 kWh are reached (min_kwh 10).
        // 30 kWh linear over 10:00-11:00 reach 10 kWh at 10:20:
        // energy 10 x 0.20 = 2.00 + 20 x 0.40 = 8.00; time 40 min x 6.00 EUR/h = 4.00 -> 14.00.
        var tariff = Tariff(
            Element(new PricingRestrictions { MaxKwh = 10m }, Energy(0.20m)),
            Element(Energy(0.40m)),
            Element(new PricingRestrictions { MinKwh = 10m }, Time(6.00m)));

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(1), 30m));

        Assert.Equal(14.00m, result.TotalCostExclVat);
        Assert.Equal(10.00m, result.TotalEnergyCostExclVat);
        Assert.Equal(4.00m, result.TotalTimeCostExclVat);
        Assert.Equal([At("2024-06-03 10:00"), At("2024-06-03 10:20")], result.Periods.Select(period => period.StartTime));
        Assert.Equal(10m, result.Periods[0].Volume(PeriodDimensionType.Energy));
    }

    [Fact]
    public void Price_MinPower_KnownPowerPerSample()
    {
        // 0.50 EUR/kWh from 50 kW, otherwise 0.30. 10:00 at 100 kW to 50 kWh at 10:30, then 20 kW to 60 kWh at 11:00:
        // 50 x 0.50 = 25.00 + 10 x 0.30 = 3.00 -> 28.00.
        var result = Price(Tariff(Element(new PricingRestrictions { MinPowerKw = 50m }, Energy(0.50m)), Element(Energy(0.30m))), PowerSession(known: true));

        Assert.Equal(28.00m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_MinPower_UnknownPowerIsAverageOfInterval()
    {
        // Without powers, 50 kWh in 30 min averages 100 kW and 10 kWh in 30 min 20 kW: the same 28.00 as above.
        var result = Price(Tariff(Element(new PricingRestrictions { MinPowerKw = 50m }, Energy(0.50m)), Element(Energy(0.30m))), PowerSession(known: false));

        Assert.Equal(28.00m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_MaxPower_AppliesBelowBound()
    {
        // 0.25 EUR/kWh below 22 kW, otherwise 0.35: 50 x 0.35 = 17.50 + 10 x 0.25 = 2.50 -> 20.00.
        var result = Price(Tariff(Element(new PricingRestrictions { MaxPowerKw = 22m }, Energy(0.25m)), Element(Energy(0.35m))), PowerSession(known: true));

        Assert.Equal(20.00m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_MinAndMaxCurrent_UseSampleCurrent()
    {
        // 1.00 EUR/h below 16 A, 2.50 EUR/h from 16 A up to 32 A (exclusive), otherwise 2.00. 10:00 at 32 A, 11:00 at
        // 10 A, 12:00 at 16 A, end 13:00: 1 h x 2.00 (32 A is not below 32) + 1 h x 1.00 + 1 h x 2.50 = 5.50.
        var tariff = Tariff(
            Element(new PricingRestrictions { MaxCurrentA = 16m }, Time(1.00m)),
            Element(new PricingRestrictions { MinCurrentA = 16m, MaxCurrentA = 32m }, Time(2.50m)),
            Element(Time(2.00m)));
        var start = At("2024-06-03 10:00");
        var usage = new SessionUsage(
            start,
            start + Hours(3),
            [
                new UsageSample(start, 0m, UsageActivity.Charging, CurrentA: 32m),
                new UsageSample(start + Hours(1), 20m, UsageActivity.Charging, CurrentA: 10m),
                new UsageSample(start + Hours(2), 25m, UsageActivity.Charging, CurrentA: 16m),
            ]);

        var result = Price(tariff, usage);

        Assert.Equal(5.50m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_CurrentRestrictionWithUnknownCurrent_DoesNotApply()
    {
        // The current is unknown, so the "below 16 A" element cannot be shown to apply: 2 h x 2.00 EUR/h = 4.00.
        var tariff = Tariff(Element(new PricingRestrictions { MaxCurrentA = 16m }, Time(1.00m)), Element(Time(2.00m)));

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(2), 10m));

        Assert.Equal(4.00m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_MinDuration_PricesTimeAfterFirstHour()
    {
        // 2.00 EUR/h from a session duration of 1 h: charging 2 h 30 min -> 1.5 h x 2.00 = 3.00.
        var result = Price(Tariff(Element(new PricingRestrictions { MinDuration = Hours(1) }, Time(2.00m))), Charge(At("2024-06-03 10:00"), Minutes(150), 20m));

        Assert.Equal(3.00m, result.TotalCostExclVat);
        Assert.Equal(At("2024-06-03 11:00"), result.Periods[1].StartTime);
    }

    [Fact]
    public void Price_MaxDuration_AppliesDuringFirstHalfHour()
    {
        // 0.20 EUR/kWh for the first 30 min, then 0.40. 20 kWh linear over 1 h: 10 x 0.20 = 2.00 + 10 x 0.40 = 4.00 -> 6.00.
        var result = Price(
            Tariff(Element(new PricingRestrictions { MaxDuration = Minutes(30) }, Energy(0.20m)), Element(Energy(0.40m))),
            Charge(At("2024-06-03 10:00"), Hours(1), 20m));

        Assert.Equal(6.00m, result.TotalCostExclVat);
    }

    [Fact]
    public void Price_ReservationRestrictionWithTimeOfDay_SplitsReservation()
    {
        // Reservation 21:30-22:30 UTC: 2.00 EUR/h until 22:00 and 1.00 EUR/h from 22:00 (both RESERVATION elements):
        // 0.5 h x 2.00 = 1.00 + 0.5 h x 1.00 = 0.50 -> 1.50; the session (22:30, no duration) costs nothing.
        var day = new PricingRestrictions { Reservation = ReservationRestrictionType.Reservation, EndTimeOfDay = new TimeOnly(22, 0) };
        var night = new PricingRestrictions { Reservation = ReservationRestrictionType.Reservation };
        var start = At("2024-06-03 22:30");
        var usage = new SessionUsage(start, start, [new UsageSample(start, 0m, UsageActivity.Charging)], At("2024-06-03 21:30"));

        var result = Price(Tariff(Element(day, Time(2.00m)), Element(night, Time(1.00m)), Element(Energy(0.30m))), usage);

        Assert.Equal(1.50m, result.TotalCostExclVat);
        Assert.Equal(1.50m, result.TotalReservationCostExclVat);
        Assert.Equal([At("2024-06-03 21:30"), At("2024-06-03 22:00")], result.Periods.Select(period => period.StartTime));
    }

    private static SessionUsage PowerSession(bool known)
    {
        var start = At("2024-06-03 10:00");
        return new SessionUsage(
            start,
            start + Hours(1),
            [
                new UsageSample(start, 0m, UsageActivity.Charging, known ? 100m : null),
                new UsageSample(start + Minutes(30), 50m, UsageActivity.Charging, known ? 20m : null),
                new UsageSample(start + Hours(1), 60m, UsageActivity.Parking, known ? 0m : null),
            ]);
    }
}
