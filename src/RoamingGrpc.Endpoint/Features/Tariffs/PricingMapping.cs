using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Endpoint.Features.Tariffs;

/// <summary>
/// Between the contract's tariffs, cost totals and charging periods and the domain's pricing engine
/// (<see cref="TariffPricer"/>). Tariffs come from storage, so <see cref="TariffValidator"/> has accepted them.
/// </summary>
internal static class PricingMapping
{
    // Restriction bounds are doubles in the contract; any bound beyond this is no bound in practice and keeps the
    // conversion to decimal from overflowing.
    private const double LargestBound = 1e15;

    /// <summary>The domain form of a validated contract tariff.</summary>
    public static PricingTariff ToPricing(Tariff tariff)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        return new PricingTariff(
            tariff.TariffId,
            tariff.Currency,
            [.. tariff.Elements.Select(ToPricing)],
            tariff.MinPrice is null ? null : MoneyFormat.Parse(tariff.MinPrice.Amount),
            tariff.MaxPrice is null ? null : MoneyFormat.Parse(tariff.MaxPrice.Amount));
    }

    /// <summary>The contract's totals of a priced session: money written with the currency's minor digits.</summary>
    public static CostTotals ToCostTotals(PricingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var currency = result.Currency;
        var totals = new CostTotals
        {
            TotalCostExclVat = ToMoney(result.TotalCostExclVat, currency),
            TotalCostInclVat = ToMoney(result.TotalCostInclVat, currency),
            TotalEnergyKwh = (double)result.TotalEnergyKwh,
            TotalTime = Duration.FromTimeSpan(result.TotalTime),
            TotalParkingTime = Duration.FromTimeSpan(result.TotalParkingTime),
        };
        if (result.TotalFixedCostExclVat is { } fixedCost)
        {
            totals.TotalFixedCostExclVat = ToMoney(fixedCost, currency);
        }

        if (result.TotalEnergyCostExclVat is { } energyCost)
        {
            totals.TotalEnergyCostExclVat = ToMoney(energyCost, currency);
        }

        if (result.TotalTimeCostExclVat is { } timeCost)
        {
            totals.TotalTimeCostExclVat = ToMoney(timeCost, currency);
        }

        if (result.TotalParkingCostExclVat is { } parkingCost)
        {
            totals.TotalParkingCostExclVat = ToMoney(parkingCost, currency);
        }

        if (result.TotalReservationCostExclVat is { } reservationCost)
        {
            totals.TotalReservationCostExclVat = ToMoney(reservationCost, currency);
        }

        return totals;
    }

    /// <summary>The contract's charging periods of a priced session, in time order.</summary>
    public static IEnumerable<ChargingPeriod> ToChargingPeriods(PricingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Periods.Select(period => new ChargingPeriod
        {
            StartTime = Timestamp.FromDateTimeOffset(period.StartTime),
            Dimensions =
            {
                period.Dimensions.Select(dimension => new ChargingDimension { Type = ToProto(dimension.Type), Volume = (double)dimension.Volume }),
            },
            TariffId = period.TariffId ?? string.Empty,
        });
    }

    /// <summary>The total cost excl. and incl. VAT (Session.cost_excl_vat / cost_incl_vat).</summary>
    public static (Money ExclVat, Money InclVat) ToCost(PricingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return (ToMoney(result.TotalCostExclVat, result.Currency), ToMoney(result.TotalCostInclVat, result.Currency));
    }

    private static Money ToMoney(decimal amount, string currency) =>
        new() { CurrencyCode = currency, Amount = MoneyFormat.Format(amount, currency) };

    private static PricingElement ToPricing(TariffElement element) =>
        new([.. element.PriceComponents.Select(ToPricing)], element.Restrictions is null ? null : ToPricing(element.Restrictions));

    private static PricingComponent ToPricing(PriceComponent component) =>
        new(
            component.Type switch
            {
                TariffDimensionType.Energy => PriceDimension.Energy,
                TariffDimensionType.Time => PriceDimension.Time,
                TariffDimensionType.ParkingTime => PriceDimension.ParkingTime,
                TariffDimensionType.Flat => PriceDimension.Flat,
                _ => throw new ArgumentOutOfRangeException(nameof(component), component.Type, "Not a price component type."),
            },
            MoneyFormat.Parse(component.Price.Amount),
            component.HasVatPercent
                ? decimal.Parse(component.VatPercent, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
                : null,
            component.StepSize);

    private static PricingRestrictions ToPricing(TariffRestrictions restrictions) => new()
    {
        StartTimeOfDay = restrictions.HasStartTimeOfDay ? TimeOnly.ParseExact(restrictions.StartTimeOfDay, "HH:mm", CultureInfo.InvariantCulture) : null,
        EndTimeOfDay = restrictions.HasEndTimeOfDay ? TimeOnly.ParseExact(restrictions.EndTimeOfDay, "HH:mm", CultureInfo.InvariantCulture) : null,
        StartDate = restrictions.HasStartDate ? DateOnly.ParseExact(restrictions.StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        EndDate = restrictions.HasEndDate ? DateOnly.ParseExact(restrictions.EndDate, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        DaysOfWeek = [.. restrictions.DaysOfWeek.Select(day => (DayOfWeek)((int)day % 7)).Distinct()],
        MinKwh = restrictions.HasMinKwh ? Bound(restrictions.MinKwh) : null,
        MaxKwh = restrictions.HasMaxKwh ? Bound(restrictions.MaxKwh) : null,
        MinCurrentA = restrictions.HasMinCurrent ? Bound(restrictions.MinCurrent) : null,
        MaxCurrentA = restrictions.HasMaxCurrent ? Bound(restrictions.MaxCurrent) : null,
        MinPowerKw = restrictions.HasMinPower ? Bound(restrictions.MinPower) : null,
        MaxPowerKw = restrictions.HasMaxPower ? Bound(restrictions.MaxPower) : null,
        MinDuration = restrictions.MinDuration?.ToTimeSpan(),
        MaxDuration = restrictions.MaxDuration?.ToTimeSpan(),
        Reservation = restrictions.Reservation switch
        {
            ReservationRestriction.Reservation => ReservationRestrictionType.Reservation,
            ReservationRestriction.ReservationExpires => ReservationRestrictionType.ReservationExpires,
            _ => ReservationRestrictionType.None,
        },
    };

    private static decimal Bound(double value) => (decimal)Math.Min(value, LargestBound);

    private static ChargingDimensionType ToProto(PeriodDimensionType type) => type switch
    {
        PeriodDimensionType.Energy => ChargingDimensionType.Energy,
        PeriodDimensionType.Time => ChargingDimensionType.Time,
        PeriodDimensionType.ParkingTime => ChargingDimensionType.ParkingTime,
        PeriodDimensionType.ReservationTime => ChargingDimensionType.ReservationTime,
        PeriodDimensionType.Flat => ChargingDimensionType.Flat,
        PeriodDimensionType.MaxPower => ChargingDimensionType.MaxPower,
        PeriodDimensionType.MinPower => ChargingDimensionType.MinPower,
        PeriodDimensionType.MaxCurrent => ChargingDimensionType.MaxCurrent,
        PeriodDimensionType.MinCurrent => ChargingDimensionType.MinCurrent,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown period dimension."),
    };
}
