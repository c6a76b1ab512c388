using System.Globalization;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Tariffs;

/// <summary>
/// Checks a tariff (UC2-1) and returns it in canonical form: identifiers normalized, output-only fields cleared.
/// The first problem fails with INVALID_ARGUMENT naming the field (<c>tariff.elements[1].price_components[0].price</c>).
/// </summary>
internal static class TariffValidator
{
    /// <summary>A tariff id: 1 to 36 printable ASCII characters without spaces.</summary>
    public static string TariffId(string? value, string field) => SiteValidator.SiteId(value, field);

    /// <summary>The tariff as it will be stored for <paramref name="owner"/>, or an INVALID_ARGUMENT / PERMISSION_DENIED error.</summary>
    public static Tariff Canonical(Tariff? tariff, PartyIdentity owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (tariff is null)
        {
            throw RoamingErrors.MissingField("tariff");
        }

        var result = tariff.Clone();
        result.TariffId = TariffId(tariff.TariffId, "tariff.tariff_id");
        result.OperatorId = SiteValidator.OwnOperator(tariff.OperatorId, owner, "tariff.operator_id");
        Currency(tariff.Currency, "tariff.currency");
        if (tariff.TargetProviderId.Length > 0)
        {
            try
            {
                result.TargetProviderId = ProviderId.Parse(tariff.TargetProviderId).ToString();
            }
            catch (InvalidIdentifierException ex)
            {
                throw RoamingErrors.InvalidField("tariff.target_provider_id", ErrorReason.InvalidIdentifier, ex.Message);
            }
        }

        Price(tariff.MinPrice, tariff.Currency, "tariff.min_price", required: false);
        Price(tariff.MaxPrice, tariff.Currency, "tariff.max_price", required: false);
        if (tariff.MinPrice is not null && tariff.MaxPrice is not null && MoneyFormat.Parse(tariff.MinPrice.Amount) > MoneyFormat.Parse(tariff.MaxPrice.Amount))
        {
            throw RoamingErrors.InvalidField("tariff.max_price.amount", ErrorReason.InvalidField, $"must not be below min_price {tariff.MinPrice.Amount}");
        }

        // Each time is checked on its own: a stored tariff's times are read back whenever a tariff is chosen.
        DateTimeOffset? start = tariff.StartTime is null ? null : RequestFields.Time(tariff.StartTime, "tariff.start_time");
        DateTimeOffset? end = tariff.EndTime is null ? null : RequestFields.Time(tariff.EndTime, "tariff.end_time");
        if (start is not null && end is not null && end <= start)
        {
            throw RoamingErrors.InvalidField("tariff.end_time", ErrorReason.InvalidField, "must be after start_time");
        }

        if (tariff.Elements.Count == 0)
        {
            throw RoamingErrors.InvalidField("tariff.elements", ErrorReason.MissingField, "a tariff needs at least one element");
        }

        for (var i = 0; i < tariff.Elements.Count; i++)
        {
            var element = tariff.Elements[i];
            var field = $"tariff.elements[{i}]";
            if (element.PriceComponents.Count == 0)
            {
                throw RoamingErrors.InvalidField($"{field}.price_components", ErrorReason.MissingField, "an element needs at least one price component");
            }

            for (var j = 0; j < element.PriceComponents.Count; j++)
            {
                var component = element.PriceComponents[j];
                var path = $"{field}.price_components[{j}]";
                if (component.Type == TariffDimensionType.Unspecified || !Enum.IsDefined(component.Type))
                {
                    throw RoamingErrors.InvalidField($"{path}.type", ErrorReason.MissingField, "must be ENERGY, TIME, PARKING_TIME or FLAT");
                }

                Price(component.Price, tariff.Currency, $"{path}.price", required: true);
                if (component.HasVatPercent && (!TryDecimal(component.VatPercent, out var vat) || vat is < 0 or > 100))
                {
                    throw RoamingErrors.InvalidField($"{path}.vat_percent", ErrorReason.InvalidField, "must be a decimal string from 0 to 100, e.g. \"19\"");
                }

                if (component.StepSize < 0)
                {
                    throw RoamingErrors.InvalidField($"{path}.step_size", ErrorReason.InvalidField, "must not be negative");
                }
            }

            Restrictions(element.Restrictions, $"{field}.restrictions");
        }

        result.UpdateTime = null;
        result.Version = 0;
        result.Removed = false;
        return result;
    }

    private static void Restrictions(TariffRestrictions? restrictions, string field)
    {
        if (restrictions is null)
        {
            return;
        }

        foreach (var (value, has, name) in new[]
        {
            (restrictions.StartTimeOfDay, restrictions.HasStartTimeOfDay, "start_time_of_day"),
            (restrictions.EndTimeOfDay, restrictions.HasEndTimeOfDay, "end_time_of_day"),
        })
        {
            if (has && !TimeOnly.TryParseExact(value, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                throw RoamingErrors.InvalidField($"{field}.{name}", ErrorReason.InvalidField, $"must be a local time HH:MM (was '{value}')");
            }
        }

        foreach (var (value, has, name) in new[]
        {
            (restrictions.StartDate, restrictions.HasStartDate, "start_date"),
            (restrictions.EndDate, restrictions.HasEndDate, "end_date"),
        })
        {
            if (has && !DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                throw RoamingErrors.InvalidField($"{field}.{name}", ErrorReason.InvalidField, $"must be a date YYYY-MM-DD (was '{value}')");
            }
        }

        Range(restrictions.HasMinKwh ? restrictions.MinKwh : null, restrictions.HasMaxKwh ? restrictions.MaxKwh : null, $"{field}.min_kwh");
        Range(restrictions.HasMinCurrent ? restrictions.MinCurrent : null, restrictions.HasMaxCurrent ? restrictions.MaxCurrent : null, $"{field}.min_current");
        Range(restrictions.HasMinPower ? restrictions.MinPower : null, restrictions.HasMaxPower ? restrictions.MaxPower : null, $"{field}.min_power");
        Range(restrictions.MinDuration?.ToTimeSpan().TotalSeconds, restrictions.MaxDuration?.ToTimeSpan().TotalSeconds, $"{field}.min_duration");
        for (var i = 0; i < restrictions.DaysOfWeek.Count; i++)
        {
            if (restrictions.DaysOfWeek[i] == Weekday.Unspecified || !Enum.IsDefined(restrictions.DaysOfWeek[i]))
            {
                throw RoamingErrors.InvalidField($"{field}.days_of_week[{i}]", ErrorReason.InvalidField, "must name a weekday");
            }
        }
    }

    private static void Range(double? min, double? max, string field)
    {
        if ((min is { } low && (!double.IsFinite(low) || low < 0)) || (max is { } high && (!double.IsFinite(high) || high < 0)))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "bounds must be finite and not negative");
        }

        if (min is { } from && max is { } to && from > to)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"minimum {from} is above maximum {to}");
        }
    }

    private static void Currency(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        if (value.Length != 3 || !value.All(char.IsAsciiLetterUpper))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be an ISO 4217 code such as EUR (was '{value}')");
        }
    }

    private static void Price(Money? price, string currency, string field, bool required)
    {
        if (price is null)
        {
            if (required)
            {
                throw RoamingErrors.MissingField(field);
            }

            return;
        }

        if (price.CurrencyCode != currency)
        {
            throw RoamingErrors.InvalidField($"{field}.currency_code", ErrorReason.InvalidField, $"must be the tariff's currency {currency} (was '{price.CurrencyCode}')");
        }

        // The contract's grammar exactly (Money), so that every stored price can be priced (PricingMapping).
        if (!MoneyFormat.TryParse(price.Amount, out var amount) || amount < 0)
        {
            throw RoamingErrors.InvalidField(
                $"{field}.amount",
                ErrorReason.InvalidField,
                $"must be a non-negative decimal string with at most 15 integer and 6 fraction digits such as \"0.39\" (was '{price.Amount}')");
        }
    }

    private static bool TryDecimal(string value, out decimal result) =>
        decimal.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
}
