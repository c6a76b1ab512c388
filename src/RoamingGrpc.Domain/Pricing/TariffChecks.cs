namespace RoamingGrpc.Domain.Pricing;

/// <summary>Rejects a tariff <see cref="TariffPricer"/> cannot price, naming the offending part.</summary>
internal static class TariffChecks
{
    public static void Validate(PricingTariff tariff)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        if (string.IsNullOrWhiteSpace(tariff.TariffId))
        {
            throw new ArgumentException("The tariff needs a tariff id.", nameof(tariff));
        }

        if (tariff.Currency is null || tariff.Currency.Length != 3 || !tariff.Currency.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException($"Tariff {tariff.TariffId}: currency must be an ISO 4217 code such as EUR (was '{tariff.Currency}').", nameof(tariff));
        }

        if (tariff.MinPrice < 0 || tariff.MaxPrice < 0 || tariff.MinPrice > tariff.MaxPrice)
        {
            throw new ArgumentException($"Tariff {tariff.TariffId}: min and max price must not be negative, and min not above max.", nameof(tariff));
        }

        if (tariff.Elements is null || tariff.Elements.Count == 0)
        {
            throw new ArgumentException($"Tariff {tariff.TariffId} has no elements; a tariff needs at least one.", nameof(tariff));
        }

        for (var i = 0; i < tariff.Elements.Count; i++)
        {
            var element = tariff.Elements[i];
            var where = $"Tariff {tariff.TariffId}, element {i}";
            if (element?.Components is null || element.Components.Count == 0)
            {
                throw new ArgumentException($"{where} has no price components.", nameof(tariff));
            }

            for (var j = 0; j < element.Components.Count; j++)
            {
                var component = element.Components[j];
                if (component is null || !Enum.IsDefined(component.Dimension) || component.Price < 0 || component.VatPercent < 0 || component.StepSize < 0)
                {
                    throw new ArgumentException(
                        $"{where}, component {j}: needs a known dimension, a price and VAT rate that are not negative, and a step size that is not negative.",
                        nameof(tariff));
                }
            }

            if (element.Restrictions is { } restrictions && Problem(restrictions) is { } problem)
            {
                throw new ArgumentException($"{where}: {problem}", nameof(tariff));
            }
        }
    }

    private static string? Problem(PricingRestrictions restrictions)
    {
        if (!Range(restrictions.MinKwh, restrictions.MaxKwh) || !Range(restrictions.MinPowerKw, restrictions.MaxPowerKw) || !Range(restrictions.MinCurrentA, restrictions.MaxCurrentA))
        {
            return "kWh, power and current bounds must not be negative, and a minimum not above its maximum.";
        }

        if (restrictions.MinDuration < TimeSpan.Zero || restrictions.MaxDuration < TimeSpan.Zero || restrictions.MinDuration > restrictions.MaxDuration)
        {
            return "durations must not be negative, and the minimum not above the maximum.";
        }

        if (!Enum.IsDefined(restrictions.Reservation) || restrictions.DaysOfWeek is null || !restrictions.DaysOfWeek.All(Enum.IsDefined))
        {
            return "unknown reservation restriction or weekday.";
        }

        return null;
    }

    private static bool Range(decimal? min, decimal? max) => !(min < 0 || max < 0 || min > max);
}
