using System.Diagnostics.CodeAnalysis;

namespace RoamingGrpc.Domain.Identifiers;

/// <summary>
/// A charging service provider id <c>CC-PPP</c> such as <c>DE-8EO</c>: an ISO 3166-1 alpha-2 country code and a
/// party code of three letters or digits. Input is case-insensitive and the <c>-</c> is optional (<c>de8eo</c> is
/// <c>DE-8EO</c>); a <c>*</c> is a <see cref="IdentifierError.WrongSeparator"/>. Equal ids compare equal whatever
/// their input spelling.
/// </summary>
public sealed record ProviderId
{
    private readonly string _text;

    private ProviderId(CountryCode country, string partyCode)
    {
        Country = country;
        PartyCode = partyCode;
        _text = string.Concat(country.Value, "-", partyCode);
    }

    /// <summary>The country the provider id is registered in.</summary>
    public CountryCode Country { get; }

    /// <summary>The three upper-case letters or digits after the country, e.g. <c>8EO</c>.</summary>
    public string PartyCode { get; }

    /// <summary>Parses a provider id or throws <see cref="InvalidIdentifierException"/> saying why it is malformed.</summary>
    public static ProviderId Parse(string? value) =>
        TryParseCore(value, out var result, out var failure)
            ? result
            : throw failure.ToException(IdentifierKind.Provider, value);

    /// <summary>Parses a provider id; false when it is malformed.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ProviderId? result) =>
        TryParseCore(value, out result, out _);

    /// <summary>Parses a provider id; false with the class of malformation in <paramref name="error"/>.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ProviderId? result, out IdentifierError error)
    {
        var parsed = TryParseCore(value, out result, out var failure);
        error = failure.Error;
        return parsed;
    }

    /// <summary>Builds the provider id that a contract id starts with (already validated by the caller).</summary>
    internal static ProviderId FromParts(CountryCode country, string value, int partyStart) =>
        new(country, IdentifierText.ToUpper(value, partyStart, PartyPrefix.PartyCodeLength));

    /// <inheritdoc />
    public bool Equals(ProviderId? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical form, e.g. <c>DE-8EO</c>.</summary>
    public override string ToString() => _text;

    private static bool TryParseCore(string? value, [NotNullWhen(true)] out ProviderId? result, out ParseFailure failure)
    {
        result = null;
        if (!IdentifierText.TryCheckCommon(value, out failure)
            || !PartyPrefix.TryRead(value!, IdentifierText.Dash, out var country, out var partyStart, out failure))
        {
            return false;
        }

        if (partyStart + PartyPrefix.PartyCodeLength != value!.Length)
        {
            // More than three characters after the country: the party code is too long (or has trailing text).
            failure = new(IdentifierError.InvalidPartyCode, partyStart);
            return false;
        }

        result = FromParts(country, value, partyStart);
        return true;
    }
}
