namespace RoamingGrpc.Domain.Pricing;

/// <summary>What one price component of the tariff billed over the whole session.</summary>
/// <param name="ElementIndex">Index of the element in the tariff.</param>
/// <param name="ComponentIndex">Index of the component in the element.</param>
/// <param name="Dimension">What the volume was billed as.</param>
/// <param name="UnitPrice">Price per unit excl. VAT.</param>
/// <param name="VatPercent">VAT rate, or null.</param>
/// <param name="StepSize">The component's step size (Wh or seconds).</param>
/// <param name="Volume">Measured volume priced by the component: kWh, hours or count.</param>
/// <param name="BilledVolume">The volume rounded up to the step size, in the same unit.</param>
/// <param name="CostExclVat">Billed volume times unit price, exact (not rounded).</param>
public sealed record BilledComponent(
    int ElementIndex,
    int ComponentIndex,
    BilledDimension Dimension,
    decimal UnitPrice,
    decimal? VatPercent,
    int StepSize,
    decimal Volume,
    decimal BilledVolume,
    decimal CostExclVat);
