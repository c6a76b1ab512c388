using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Tariffs;

/// <summary>The contract's tariff into the pricer and its result back into contract totals and periods.</summary>
public sealed class PricingMappingTests
{
    [Fact]
    public void ToPricing_TariffWithEveryRestriction_CarriesEveryValue()
    {
        var tariff = TestTariffs.Create("T1");
        tariff.MinPrice = new Money { CurrencyCode = "EUR", Amount = "1.5" };
        tariff.Elements[1].Restrictions = new TariffRestrictions
        {
            StartTimeOfDay = "22:00",
            EndTimeOfDay = "06:00",
            StartDate = "2024-03-01",
            EndDate = "2024-04-01",
            MinKwh = 1.5,
            MaxKwh = 50,
            MinCurrent = 6,
            MaxCurrent = 32,
            MinPower = 3.7,
            MaxPower = 22,
            MinDuration = Duration.FromTimeSpan(TimeSpan.FromMinutes(30)),
            MaxDuration = Duration.FromTimeSpan(TimeSpan.FromHours(2)),
            DaysOfWeek = { Weekday.Monday, Weekday.Sunday },
            Reservation = ReservationRestriction.ReservationExpires,
        };

        var pricing = PricingMapping.ToPricing(tariff);

        Assert.Equal(("T1", "EUR", 1.5m, (decimal?)null), (pricing.TariffId, pricing.Currency, pricing.MinPrice, pricing.MaxPrice));
        Assert.Equal(
            [new PricingComponent(PriceDimension.Energy, 0.39m, 19m, 1), new PricingComponent(PriceDimension.Time, 1.20m, 19m, 60)],
            pricing.Elements[0].Components);
        var day = pricing.Elements[0].Restrictions!;
        Assert.Equal((new TimeOnly(6, 0), new TimeOnly(22, 0)), (day.StartTimeOfDay, day.EndTimeOfDay));
        Assert.Empty(day.DaysOfWeek);
        Assert.Null(day.MinKwh);
        Assert.Null(day.MinDuration);
        var restrictions = pricing.Elements[1].Restrictions!;
        Assert.Equal((new TimeOnly(22, 0), new TimeOnly(6, 0)), (restrictions.StartTimeOfDay, restrictions.EndTimeOfDay));
        Assert.Equal((new DateOnly(2024, 3, 1), new DateOnly(2024, 4, 1)), (restrictions.StartDate, restrictions.EndDate));
        Assert.Equal((1.5m, 50m, 6m, 32m, 3.7m, 22m), (restrictions.MinKwh, restrictions.MaxKwh, restrictions.MinCurrentA, restrictions.MaxCurrentA, restrictions.MinPowerKw, restrictions.MaxPowerKw));
        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)), (restrictions.MinDuration, restrictions.MaxDuration));
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Sunday], restrictions.DaysOfWeek);
        Assert.Equal(ReservationRestrictionType.ReservationExpires, restrictions.Reservation);
    }

    [Fact]
    public void ToCostTotals_YenResult_WholeYenAndAbsentCostsStayAbsent()
    {
        // 12.5 kWh x 35 JPY = 437.5 -> "438"; VAT 10 % 43.75 -> 44; incl. "482". Nothing but energy priced.
        var tariff = new PricingTariff("T-JP", "JPY", [new PricingElement([new PricingComponent(PriceDimension.Energy, 35m, 10m)])]);
        var start = new DateTimeOffset(2024, 6, 3, 10, 0, 0, TimeSpan.Zero);
        var usage = new SessionUsage(start, start.AddHours(1), [new UsageSample(start, 0m, UsageActivity.Charging), new UsageSample(start.AddHours(1), 12.5m, UsageActivity.Parking)]);
        var result = TariffPricer.Price(tariff, usage, TimeZoneInfo.Utc);

        var totals = PricingMapping.ToCostTotals(result);
        var (excl, incl) = PricingMapping.ToCost(result);
        var period = Assert.Single(PricingMapping.ToChargingPeriods(result));

        Assert.Equal(new Money { CurrencyCode = "JPY", Amount = "438" }, totals.TotalCostExclVat);
        Assert.Equal(new Money { CurrencyCode = "JPY", Amount = "482" }, totals.TotalCostInclVat);
        Assert.Equal(totals.TotalEnergyCostExclVat, excl);
        Assert.Equal("482", incl.Amount);
        Assert.Null(totals.TotalTimeCostExclVat);
        Assert.Null(totals.TotalParkingCostExclVat);
        Assert.Null(totals.TotalFixedCostExclVat);
        Assert.Null(totals.TotalReservationCostExclVat);
        Assert.Equal(12.5, totals.TotalEnergyKwh);
        Assert.Equal(Duration.FromTimeSpan(TimeSpan.FromHours(1)), totals.TotalTime);
        Assert.Equal(Timestamp.FromDateTimeOffset(start), period.StartTime);
        Assert.Equal("T-JP", period.TariffId);
        Assert.Equal(
            [(ChargingDimensionType.Energy, 12.5), (ChargingDimensionType.Time, 1.0)],
            period.Dimensions.Select(dimension => (dimension.Type, dimension.Volume)));
    }
}
