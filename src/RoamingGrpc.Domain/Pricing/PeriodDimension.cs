namespace RoamingGrpc.Domain.Pricing;

/// <summary>One measured volume of a charging period, in the unit of its type.</summary>
public sealed record PeriodDimension(PeriodDimensionType Type, decimal Volume);
