using RoamingGrpc.Domain.Pricing;
using static RoamingGrpc.Domain.Tests.Pricing.PricingFixtures;

namespace RoamingGrpc.Domain.Tests.Pricing;

/// <summary>One dimension at a time, each total computed by hand in the comment above it.</summary>
public sealed class TariffPricerDimensionTests
{
    [Fact]
    public void Price_EnergyOnly_PricesDeliveredKwh()
    {
        // 22.5 kWh x 0.30 EUR/kWh = 6.75 EUR; no VAT stated, so incl. VAT = excl. VAT.
        var result = Price(Tariff(Element(Energy(0.30m))), Charge(At("2024-06-03 10:00"), Hours(1), 22.5m));

        Assert.Equal(6.75m, result.TotalCostExclVat);
        Assert.Equal(6.75m, result.TotalCostInclVat);
        Assert.Equal(6.75m, result.TotalEnergyCostExclVat);
        Assert.Equal(22.5m, result.TotalEnergyKwh);
        Assert.Null(result.TotalTimeCostExclVat);
        Assert.Null(result.TotalFixedCostExclVat);
        Assert.Empty(result.VatAmounts);
        Assert.Equal("EUR", result.Currency);
        Assert.Equal("T1", result.TariffId);
    }

    [Fact]
    public void Price_TimeOnly_PricesChargingButNotParking()
    {
        // Charging 1 h 30 min, then parking 1 h: TIME prices only the charging: 1.5 h x 2.40 EUR/h = 3.60 EUR.
        var result = Price(Tariff(Element(Time(2.40m))), Charge(At("2024-06-03 10:00"), Minutes(90), 10m, parking: Hours(1)));

        Assert.Equal(3.60m, result.TotalCostExclVat);
        Assert.Equal(3.60m, result.TotalTimeCostExclVat);
        Assert.Equal(Minutes(90), result.TotalTime);
        Assert.Equal(Hours(1), result.TotalParkingTime);
        Assert.Null(result.TotalParkingCostExclVat);
        Assert.Equal(1.5m, result.Dimension(BilledDimension.Time)!.Volume);
    }

    [Fact]
    public void Price_ParkingOnly_PricesParkingTime()
    {
        // Charging 45 min (free), parking 20 min: 20/60 h x 6.00 EUR/h = 2.00 EUR.
        var result = Price(Tariff(Element(Parking(6.00m))), Charge(At("2024-06-03 10:00"), Minutes(45), 10m, parking: Minutes(20)));

        Assert.Equal(2.00m, result.TotalCostExclVat);
        Assert.Equal(2.00m, result.TotalParkingCostExclVat);
        Assert.Null(result.TotalTimeCostExclVat);
        Assert.Equal(Minutes(20), result.TotalParkingTime);
        Assert.Equal(2, result.Periods.Count);
        Assert.Null(result.Periods[0].TariffId);
        Assert.Equal("T1", result.Periods[1].TariffId);
        Assert.Equal(20m / 60m, result.Periods[1].Volume(PeriodDimensionType.ParkingTime));
    }

    [Fact]
    public void Price_Flat_ChargedOnceInFirstPeriod()
    {
        // 1.50 EUR once, however long the session: 1.50 EUR, shown as FLAT 1 in the first period only.
        var result = Price(Tariff(Element(Flat(1.50m))), Charge(At("2024-06-03 10:00"), Minutes(30), 5m, parking: Minutes(30)));

        Assert.Equal(1.50m, result.TotalCostExclVat);
        Assert.Equal(1.50m, result.TotalFixedCostExclVat);
        Assert.Equal(1m, result.Periods[0].Volume(PeriodDimensionType.Flat));
        Assert.Null(result.Periods[1].Volume(PeriodDimensionType.Flat));
    }

    [Fact]
    public void Price_FlatOfElementThatAppliesOnlyLater_NotCharged()
    {
        // The 1.00 flat element applies from 10:30, the session starts at 10:00: the flat of the first element that
        // applies at the start counts, i.e. 2.00 EUR, even though the first element applies for most of the session.
        var later = new PricingRestrictions { StartTimeOfDay = new TimeOnly(10, 30) };
        var result = Price(Tariff(Element(later, Flat(1.00m)), Element(Flat(2.00m))), Charge(At("2024-06-03 10:00"), Hours(2), 5m));

        Assert.Equal(2.00m, result.TotalCostExclVat);
        Assert.Equal(1, result.Components.Single().ElementIndex);
    }

    [Fact]
    public void Price_SessionWithoutDuration_ChargesOnlyFlatInZeroLengthPeriod()
    {
        // Start = End: no time, no energy; the flat of 0.75 EUR still applies at the start.
        var start = At("2024-06-03 10:00");
        var usage = new SessionUsage(start, start, [new UsageSample(start, 0m, UsageActivity.Charging)]);

        var result = Price(Tariff(Element(Energy(0.30m), Flat(0.75m))), usage);

        Assert.Equal(0.75m, result.TotalCostExclVat);
        var period = Assert.Single(result.Periods);
        Assert.Equal(start, period.StartTime);
        Assert.Equal(start, period.EndTime);
        Assert.Equal(1m, period.Volume(PeriodDimensionType.Flat));
    }

    [Fact]
    public void Price_UsedReservation_PricesReservationTimeAndFeeSeparately()
    {
        // Reservation 09:40 to 10:00 = 20 min x 1.20 EUR/h = 0.40, plus the reservation fee 0.50 = 0.90 reservation cost.
        // Charging 10:00-11:00, 10 kWh x 0.30 EUR/kWh = 3.00. Total 3.90. The reservation fee is not a fixed (session) cost.
        var tariff = Tariff(
            Element(new PricingRestrictions { Reservation = ReservationRestrictionType.Reservation }, Time(1.20m), Flat(0.50m)),
            Element(Energy(0.30m)));

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(1), 10m, reservationStart: At("2024-06-03 09:40")));

        Assert.Equal(3.90m, result.TotalCostExclVat);
        Assert.Equal(0.90m, result.TotalReservationCostExclVat);
        Assert.Equal(3.00m, result.TotalEnergyCostExclVat);
        Assert.Null(result.TotalFixedCostExclVat);
        Assert.Null(result.TotalTimeCostExclVat);
        Assert.Equal(Minutes(20), result.TotalReservationTime);
        Assert.Equal(At("2024-06-03 09:40"), result.Periods[0].StartTime);
        Assert.Equal(20m / 60m, result.Periods[0].Volume(PeriodDimensionType.ReservationTime));
        Assert.Equal(1m, result.Periods[0].Volume(PeriodDimensionType.Flat));
        Assert.Equal(At("2024-06-03 10:00"), result.Periods[1].StartTime);
    }

    [Fact]
    public void Price_ExpiredReservation_ExpiryElementFirstThenReservationElement()
    {
        // Reservation 09:45 to expiry 10:00 (15 min). The RESERVATION_EXPIRES element is listed first and applies:
        // its FLAT 5.00 is the fee; it has no TIME, so the RESERVATION element prices the time: 0.25 h x 1.20 = 0.30.
        // The session's own FLAT (1.00) is not charged for a reservation that expired unused. Total 5.30.
        var tariff = Tariff(
            Element(new PricingRestrictions { Reservation = ReservationRestrictionType.ReservationExpires }, Flat(5.00m)),
            Element(new PricingRestrictions { Reservation = ReservationRestrictionType.Reservation }, Time(1.20m)),
            Element(Flat(1.00m)));
        var expiry = At("2024-06-03 10:00");
        var usage = new SessionUsage(expiry, expiry, [new UsageSample(expiry, 0m, UsageActivity.Parking)], At("2024-06-03 09:45"), ReservationExpiredUnused: true);

        var result = Price(tariff, usage);

        Assert.Equal(5.30m, result.TotalCostExclVat);
        Assert.Equal(5.30m, result.TotalReservationCostExclVat);
        Assert.Null(result.TotalFixedCostExclVat);
        Assert.Equal(0.25m, result.Dimension(BilledDimension.ReservationTime)!.Volume);
        Assert.Equal(1m, result.Dimension(BilledDimension.ReservationFlat)!.Volume);
    }

    [Fact]
    public void Price_UsedReservation_ExpiryElementDoesNotApply()
    {
        // Same tariff, but the reservation (09:45-10:00) was used: the RESERVATION_EXPIRES fee does not apply, the
        // reservation time costs 0.25 h x 1.20 = 0.30, and the session (no energy, 0 min) gets the session FLAT 1.00. Total 1.30.
        var tariff = Tariff(
            Element(new PricingRestrictions { Reservation = ReservationRestrictionType.ReservationExpires }, Flat(5.00m)),
            Element(new PricingRestrictions { Reservation = ReservationRestrictionType.Reservation }, Time(1.20m)),
            Element(Flat(1.00m)));
        var start = At("2024-06-03 10:00");
        var usage = new SessionUsage(start, start, [new UsageSample(start, 0m, UsageActivity.Charging)], At("2024-06-03 09:45"));

        var result = Price(tariff, usage);

        Assert.Equal(1.30m, result.TotalCostExclVat);
        Assert.Equal(0.30m, result.TotalReservationCostExclVat);
        Assert.Equal(1.00m, result.TotalFixedCostExclVat);
    }

    [Fact]
    public void Price_ReservationElement_DoesNotPriceCharging()
    {
        // The reservation element's TIME 10.00 EUR/h never prices charging: 1 h x 1.00 EUR/h = 1.00.
        var tariff = Tariff(
            Element(new PricingRestrictions { Reservation = ReservationRestrictionType.Reservation }, Time(10.00m), Energy(9.99m)),
            Element(Time(1.00m)));

        var result = Price(tariff, Charge(At("2024-06-03 10:00"), Hours(1), 10m));

        Assert.Equal(1.00m, result.TotalCostExclVat);
        Assert.Null(result.TotalReservationCostExclVat);
    }

    [Fact]
    public void Price_ReservationUsedAtOnce_OnlyReservationFeeInZeroLengthPeriod()
    {
        // Reserved at 10:00 and used at 10:00: no reservation time, but the reservation fee 0.50 applies; 1 h x 1.00 EUR/h
        // of charging -> 1.50. Without a fee, a zero-length reservation leaves no period.
        var start = At("2024-06-03 10:00");
        var reservation = new PricingRestrictions { Reservation = ReservationRestrictionType.Reservation };

        var withFee = Price(Tariff(Element(reservation, Flat(0.50m), Time(3.00m)), Element(Time(1.00m))), Charge(start, Hours(1), 5m, reservationStart: start));
        var withoutFee = Price(Tariff(Element(reservation, Time(3.00m)), Element(Time(1.00m))), Charge(start, Hours(1), 5m, reservationStart: start));

        Assert.Equal(1.50m, withFee.TotalCostExclVat);
        Assert.Equal(0.50m, withFee.TotalReservationCostExclVat);
        Assert.Equal((start, start), (withFee.Periods[0].StartTime, withFee.Periods[0].EndTime));
        Assert.Equal(2, withFee.Periods.Count);
        Assert.Equal(1.00m, withoutFee.TotalCostExclVat);
        Assert.Single(withoutFee.Periods);
    }

    [Fact]
    public void Price_PeriodsAddUp_ToTotalsOfTheSession()
    {
        // Two samples with known power and current: periods carry ENERGY, TIME/PARKING_TIME and the sample's power and current.
        var start = At("2024-06-03 10:00");
        var usage = new SessionUsage(
            start,
            start + Hours(2),
            [
                new UsageSample(start, 0m, UsageActivity.Charging, 11m, 16m),
                new UsageSample(start + Hours(1), 11m, UsageActivity.Parking, 0m, 0m),
            ]);

        var result = Price(Tariff(Element(Energy(0.30m))), usage);

        Assert.Equal(2, result.Periods.Count);
        Assert.Equal(11m, result.Periods.Sum(period => period.Volume(PeriodDimensionType.Energy)));
        Assert.Equal(1m, result.Periods[0].Volume(PeriodDimensionType.Time));
        Assert.Equal(11m, result.Periods[0].Volume(PeriodDimensionType.MaxPower));
        Assert.Equal(16m, result.Periods[0].Volume(PeriodDimensionType.MinCurrent));
        Assert.Equal(1m, result.Periods[1].Volume(PeriodDimensionType.ParkingTime));
        Assert.Equal(0m, result.Periods[1].Volume(PeriodDimensionType.MaxPower));
        Assert.Equal(3.30m, result.TotalCostExclVat);
    }
}
