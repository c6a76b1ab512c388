namespace RoamingGrpc.Domain.Pricing;

/// <summary>A part of the session (or reservation) with one sample and constant tariff conditions.</summary>
/// <param name="StartTime">Start of the period (UTC).</param>
/// <param name="EndTime">End of the period (UTC, exclusive); equal to the start only for a period that just carries a flat fee.</param>
/// <param name="Dimensions">Measured volumes of the period.</param>
/// <param name="TariffId">The tariff that priced a dimension of the period; null when nothing in it was priced.</param>
public sealed record PricingPeriod(
    DateTimeOffset StartTime,
    DateTimeOffset EndTime,
    IReadOnlyList<PeriodDimension> Dimensions,
    string? TariffId)
{
    /// <summary>The volume of <paramref name="type"/> in this period, or null when the period does not have it.</summary>
    public decimal? Volume(PeriodDimensionType type) => Dimensions.FirstOrDefault(dimension => dimension.Type == type)?.Volume;
}
