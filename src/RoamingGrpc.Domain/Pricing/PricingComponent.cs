namespace RoamingGrpc.Domain.Pricing;

/// <summary>The price of one dimension within a tariff element.</summary>
/// <param name="Dimension">What is priced.</param>
/// <param name="Price">Price per unit excl. VAT (per kWh, per hour or per session), exact, not negative.</param>
/// <param name="VatPercent">VAT rate in percent (e.g. 19), not negative; null = no VAT itemized.</param>
/// <param name="StepSize">Billing step: Wh for energy, seconds for times; 0 or 1 = no stepping; ignored for flat fees.</param>
public sealed record PricingComponent(
    PriceDimension Dimension,
    decimal Price,
    decimal? VatPercent = null,
    int StepSize = 0);
