using System.Collections.Frozen;

namespace RoamingGrpc.Domain.Pricing;

/// <summary>
/// ISO 4217 minor units (the exponent: 2 for EUR, 0 for JPY, 3 for KWD) and the contract's rounding: once, at the end,
/// to the minor unit, half away from zero. Currencies not in the table have 2.
/// </summary>
public static class CurrencyMinorUnits
{
    /// <summary>Minor units of a currency not in the table.</summary>
    public const int Default = 2;

    private static readonly FrozenDictionary<string, int> Table = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)
    {
        ["EUR"] = 2, ["USD"] = 2, ["GBP"] = 2, ["CHF"] = 2, ["SEK"] = 2, ["NOK"] = 2, ["DKK"] = 2, ["PLN"] = 2, ["CZK"] = 2,
        ["JPY"] = 0, ["KRW"] = 0, ["ISK"] = 0,
        ["BHD"] = 3, ["KWD"] = 3, ["JOD"] = 3, ["OMR"] = 3, ["TND"] = 3,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The number of fraction digits of <paramref name="currencyCode"/> (case-insensitive).</summary>
    public static int Of(string currencyCode)
    {
        ArgumentNullException.ThrowIfNull(currencyCode);
        return Table.TryGetValue(currencyCode, out var digits) ? digits : Default;
    }

    /// <summary><paramref name="amount"/> rounded to the minor unit of <paramref name="currencyCode"/>, half away from zero.</summary>
    public static decimal Round(decimal amount, string currencyCode) =>
        decimal.Round(amount, Of(currencyCode), MidpointRounding.AwayFromZero);
}
