using System.Diagnostics.CodeAnalysis;

namespace RoamingGrpc.Domain.Identifiers;

/// <summary>
/// An ISO 3166-1 alpha-2 country code such as <c>DE</c>: two letters, case-insensitive on input, upper case on
/// output, and only the officially assigned codes (no reserved or user-assigned ones such as <c>UK</c> or <c>XK</c>).
/// </summary>
public sealed record CountryCode
{
    // The 249 officially assigned ISO 3166-1 alpha-2 codes (checked against Debian iso-codes 4.15.0,
    // /usr/share/iso-codes/json/iso_3166-1.json). Update here when the ISO 3166 maintenance agency assigns a code.
    private const string AssignedList =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
        "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
        "DE DJ DK DM DO DZ " +
        "EC EE EG EH ER ES ET " +
        "FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
        "HK HM HN HR HT HU " +
        "ID IE IL IM IN IO IQ IR IS IT " +
        "JE JM JO JP " +
        "KE KG KH KI KM KN KP KR KW KY KZ " +
        "LA LB LC LI LK LR LS LT LU LV LY " +
        "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
        "NA NC NE NF NG NI NL NO NP NR NU NZ " +
        "OM " +
        "PA PE PF PG PH PK PL PM PN PR PS PT PW PY " +
        "QA " +
        "RE RO RS RU RW " +
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
        "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
        "UA UG UM US UY UZ " +
        "VA VC VE VG VI VN VU " +
        "WF WS " +
        "YE YT " +
        "ZA ZM ZW";

    // One instance per assigned code, indexed by (first letter, second letter): parsing never allocates a country.
    private static readonly CountryCode?[] Table = BuildTable();

    private CountryCode(string value) => Value = value;

    /// <summary>The two upper-case letters, e.g. <c>DE</c>.</summary>
    public string Value { get; }

    /// <summary>All officially assigned codes, in alphabetical order.</summary>
    internal static IReadOnlyList<string> AssignedCodes { get; } = AssignedList.Split(' ');

    /// <summary>Parses a country code or throws <see cref="InvalidIdentifierException"/> saying why it is malformed.</summary>
    public static CountryCode Parse(string? value) =>
        TryParseCore(value, out var result, out var failure)
            ? result
            : throw failure.ToException(IdentifierKind.Country, value);

    /// <summary>Parses a country code; false when it is malformed.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out CountryCode? result) =>
        TryParseCore(value, out result, out _);

    /// <summary>Parses a country code; false with the class of malformation in <paramref name="error"/>.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out CountryCode? result, out IdentifierError error)
    {
        var parsed = TryParseCore(value, out result, out var failure);
        error = failure.Error;
        return parsed;
    }

    /// <summary>The assigned country for two letters in any case; false when they are not one.</summary>
    internal static bool TryLookup(char first, char second, [NotNullWhen(true)] out CountryCode? country)
    {
        first = IdentifierText.ToUpper(first);
        second = IdentifierText.ToUpper(second);
        country = char.IsAsciiLetterUpper(first) && char.IsAsciiLetterUpper(second)
            ? Table[((first - 'A') * 26) + (second - 'A')]
            : null;
        return country is not null;
    }

    /// <inheritdoc />
    public bool Equals(CountryCode? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical form: two upper-case letters.</summary>
    public override string ToString() => Value;

    private static bool TryParseCore(string? value, [NotNullWhen(true)] out CountryCode? result, out ParseFailure failure)
    {
        result = null;
        if (!IdentifierText.TryCheckCommon(value, out failure))
        {
            return false;
        }

        if (value!.Length != 2 || !TryLookup(value[0], value[1], out result))
        {
            failure = new(IdentifierError.InvalidCountry, 0);
            return false;
        }

        return true;
    }

    private static CountryCode?[] BuildTable()
    {
        var table = new CountryCode?[26 * 26];
        foreach (var code in AssignedList.Split(' '))
        {
            table[((code[0] - 'A') * 26) + (code[1] - 'A')] = new CountryCode(code);
        }

        return table;
    }
}
