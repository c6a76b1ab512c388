using System.Globalization;

namespace RoamingGrpc.Domain.Pricing;

/// <summary>
/// The contract's money amount strings: optional leading "-", 1 to 15 digits, optional "." with 1 to 6 fraction
/// digits; no exponent, grouping or "+". Parsed into <see cref="decimal"/>, never a binary float.
/// </summary>
public static class MoneyFormat
{
    /// <summary>Most integer digits of an amount.</summary>
    public const int MaxIntegerDigits = 15;

    /// <summary>Most fraction digits of an amount.</summary>
    public const int MaxFractionDigits = 6;

    /// <summary>The amount, or <see cref="FormatException"/> naming what is wrong with it.</summary>
    public static decimal Parse(string amount) =>
        TryParse(amount, out var value)
            ? value
            : throw new FormatException(
                $"'{amount}' is not a money amount: expected an optional '-', 1 to {MaxIntegerDigits} digits and optionally '.' with 1 to {MaxFractionDigits} digits, e.g. \"0.3950\".");

    /// <summary>True with the value when <paramref name="amount"/> follows the contract's grammar.</summary>
    public static bool TryParse(string? amount, out decimal value)
    {
        value = 0m;
        if (string.IsNullOrEmpty(amount))
        {
            return false;
        }

        var start = amount[0] == '-' ? 1 : 0;
        var point = amount.IndexOf('.', StringComparison.Ordinal);
        var integerDigits = (point < 0 ? amount.Length : point) - start;
        var fractionDigits = point < 0 ? 0 : amount.Length - point - 1;
        if (integerDigits is < 1 or > MaxIntegerDigits || (point >= 0 && fractionDigits is < 1 or > MaxFractionDigits))
        {
            return false;
        }

        for (var i = start; i < amount.Length; i++)
        {
            if (i != point && !char.IsAsciiDigit(amount[i]))
            {
                return false;
            }
        }

        value = decimal.Parse(amount, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>
    /// <paramref name="amount"/> rounded to the minor unit of <paramref name="currencyCode"/> (half away from zero) and
    /// written with exactly that many fraction digits, e.g. "12.30" for EUR, "1235" for JPY.
    /// </summary>
    public static string Format(decimal amount, string currencyCode)
    {
        var digits = CurrencyMinorUnits.Of(currencyCode);
        var rounded = decimal.Round(amount, digits, MidpointRounding.AwayFromZero);
        if (decimal.Abs(rounded) >= 1_000_000_000_000_000m)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"A money amount has at most {MaxIntegerDigits} integer digits.");
        }

        if (rounded == 0m)
        {
            // decimal keeps the sign of a negative amount that rounds to zero; the contract has no "-0.00".
            rounded = 0m;
        }

        return rounded.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
