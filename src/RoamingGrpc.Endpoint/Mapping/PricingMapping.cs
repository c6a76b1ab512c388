using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Pricing;

namespace RoamingGrpc.Endpoint.Mapping;

// TEMPORARY (replaced by the pricing branch's mapping at merge).
internal static class PricingMapping
{
    public static PricingTariff ToPricing(Tariff tariff) => new(
        tariff.TariffId,
        tariff.Currency,
        [.. tariff.Elements.Select(element => new PricingElement(
            [.. element.PriceComponents.Select(component => new PricingComponent(
                (PriceDimension)(int)component.Type,
                MoneyFormat.Parse(component.Price.Amount),
                component.HasVatPercent ? decimal.Parse(component.VatPercent, System.Globalization.CultureInfo.InvariantCulture) : null,
                component.StepSize))]))],
        tariff.MinPrice is null ? null : MoneyFormat.Parse(tariff.MinPrice.Amount),
        tariff.MaxPrice is null ? null : MoneyFormat.Parse(tariff.MaxPrice.Amount));

    public static CostTotals ToCostTotals(PricingResult result) => new()
    {
        TotalCostExclVat = M(result.TotalCostExclVat, result.Currency),
        TotalCostInclVat = M(result.TotalCostInclVat, result.Currency),
        TotalFixedCostExclVat = O(result.TotalFixedCostExclVat, result.Currency),
        TotalEnergyKwh = (double)result.TotalEnergyKwh,
        TotalEnergyCostExclVat = O(result.TotalEnergyCostExclVat, result.Currency),
        TotalTime = Duration.FromTimeSpan(result.TotalTime),
        TotalTimeCostExclVat = O(result.TotalTimeCostExclVat, result.Currency),
        TotalParkingTime = Duration.FromTimeSpan(result.TotalParkingTime),
        TotalParkingCostExclVat = O(result.TotalParkingCostExclVat, result.Currency),
        TotalReservationCostExclVat = O(result.TotalReservationCostExclVat, result.Currency),
    };

    public static IEnumerable<ChargingPeriod> ToChargingPeriods(PricingResult result) =>
        result.Periods.Select(period => new ChargingPeriod
        {
            StartTime = Timestamp.FromDateTimeOffset(period.StartTime),
            TariffId = period.TariffId ?? string.Empty,
            Dimensions = { period.Dimensions.Select(d => new ChargingDimension { Type = (ChargingDimensionType)(int)d.Type, Volume = (double)d.Volume }) },
        });

    public static (Money ExclVat, Money InclVat) ToCost(PricingResult result) => (M(result.TotalCostExclVat, result.Currency), M(result.TotalCostInclVat, result.Currency));

    private static Money M(decimal amount, string currency) => new() { CurrencyCode = currency, Amount = MoneyFormat.Format(amount, currency) };

    private static Money? O(decimal? amount, string currency) => amount is { } value ? M(value, currency) : null;
}
