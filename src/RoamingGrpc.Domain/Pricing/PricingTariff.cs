namespace RoamingGrpc.Domain.Pricing;

/// <summary>A tariff as <see cref="TariffPricer"/> reads it.</summary>
/// <param name="TariffId">The tariff's id, copied into the result and its periods.</param>
/// <param name="Currency">ISO 4217 code of every price, e.g. EUR.</param>
/// <param name="Elements">At least one, evaluated in order.</param>
/// <param name="MinPrice">Lowest total excl. VAT of a session; null = none.</param>
/// <param name="MaxPrice">Highest total excl. VAT of a session; null = none.</param>
public sealed record PricingTariff(
    string TariffId,
    string Currency,
    IReadOnlyList<PricingElement> Elements,
    decimal? MinPrice = null,
    decimal? MaxPrice = null);
