namespace RoamingGrpc.Domain.Pricing;

/// <summary>Everything billed as one dimension.</summary>
/// <param name="Dimension">The dimension.</param>
/// <param name="Volume">Measured volume priced (kWh, hours or count).</param>
/// <param name="BilledVolume">The volume after each component's step rounding.</param>
/// <param name="CostExclVat">Cost excl. VAT, rounded once to the currency's minor unit (before min/max price).</param>
public sealed record DimensionTotal(BilledDimension Dimension, decimal Volume, decimal BilledVolume, decimal CostExclVat);
