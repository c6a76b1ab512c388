using System.Globalization;

namespace RoamingGrpc.Domain.Identifiers;

/// <summary>
/// Error messages for malformed identifiers, written for the partner that sent the value: what is wrong, where, and
/// what a correct value looks like. Only built when <c>Parse</c> throws; <c>TryParse</c> never formats text.
/// </summary>
internal static class IdentifierMessages
{
    public static string Describe(IdentifierKind kind, ParseFailure failure, string? value)
    {
        var name = Name(kind);
        var example = Example(kind);
        if (value is null || failure.Error == IdentifierError.Empty)
        {
            return Format($"{name} is empty; expected e.g. '{example}'.");
        }

        var quoted = IdentifierText.Quote(value);
        var position = failure.Position + 1;
        return failure.Error switch
        {
            IdentifierError.TooLong => Format(
                $"{name} is {value.Length} characters long; at most {IdentifierText.MaxLength} are allowed."),
            IdentifierError.LeadingOrTrailingWhitespace => Format(
                $"{name} {quoted} starts or ends with white space; send it without surrounding spaces, e.g. '{example}'."),
            IdentifierError.InvalidCharacter => Format(
                $"{name} {quoted} contains {IdentifierText.Describe(value[failure.Position])} at position {position}; {AllowedCharacters(kind)}."),
            IdentifierError.InvalidCountry when kind == IdentifierKind.Country => Format(
                $"{name} {quoted} is not an officially assigned ISO 3166-1 alpha-2 code (two letters, e.g. 'DE')."),
            IdentifierError.InvalidCountry => Format(
                $"{name} {quoted} must start with an officially assigned ISO 3166-1 alpha-2 country code, e.g. '{example}'; {IdentifierText.Quote(value[..Math.Min(2, value.Length)])} is not one."),
            IdentifierError.InvalidPartyCode when kind is IdentifierKind.Operator or IdentifierKind.Provider => Format(
                $"{name} {quoted} must be the country code and a party code of exactly 3 letters or digits, nothing more, e.g. '{example}'."),
            IdentifierError.InvalidPartyCode => Format(
                $"{name} {quoted} must have a party code of exactly 3 letters or digits after the country code (position {position}), e.g. '{example}'."),
            IdentifierError.WrongSeparator => Format(
                $"{name} {quoted} has {IdentifierText.Describe(value[failure.Position])} at position {position}; {Plural(kind)} are separated with '{Separator(kind)}' only, e.g. '{example}'."),
            IdentifierError.MissingEvsePrefix => Format(
                $"{name} {quoted} must continue with '*E' after the operator id '{OperatorPart(value)}'."),
            IdentifierError.InvalidEvseSuffix => Format(
                $"{name} {quoted} must have 1 to {EvseId.MaxSuffixLength} letters, digits or '*' after the 'E', starting with a letter or digit; it has {value.Length - failure.Position}."),
            IdentifierError.InvalidInstance => Format(
                $"{name} {quoted} must continue after the provider id with an instance of 'C' and 8 letters or digits, then at most a check character, e.g. '{example}'."),
            IdentifierError.InvalidCheckCharacter when IdentifierText.IsSeparator(value[failure.Position]) => Format(
                $"{name} {quoted} has a separator at position {position} but no check character after it."),
            IdentifierError.InvalidCheckCharacter => Format(
                $"{name} {quoted} has check character {IdentifierText.Describe(value[failure.Position])}, but ISO 15118-2 Annex H gives '{ExpectedCheckCharacter(value)}'."),
            _ => Format($"{name} {quoted} is malformed ({failure.Error}), e.g. '{example}'."),
        };
    }

    private static string Name(IdentifierKind kind) => kind switch
    {
        IdentifierKind.Country => "Country code",
        IdentifierKind.Operator => "Operator id",
        IdentifierKind.Provider => "Provider id",
        IdentifierKind.Evse => "EVSE id",
        _ => "Contract id",
    };

    private static string Plural(IdentifierKind kind) => kind switch
    {
        IdentifierKind.Country => "country codes",
        IdentifierKind.Operator => "operator ids",
        IdentifierKind.Provider => "provider ids",
        IdentifierKind.Evse => "EVSE ids",
        _ => "contract ids",
    };

    private static string Example(IdentifierKind kind) => kind switch
    {
        IdentifierKind.Country => "DE",
        IdentifierKind.Operator => "DE*ABC",
        IdentifierKind.Provider => "DE-8EO",
        IdentifierKind.Evse => "DE*ABC*E123456*1",
        _ => "DE-8AA-CA2B3C4D5-L",
    };

    private static char Separator(IdentifierKind kind) =>
        kind is IdentifierKind.Operator or IdentifierKind.Evse ? IdentifierText.Star : IdentifierText.Dash;

    private static string AllowedCharacters(IdentifierKind kind) =>
        kind == IdentifierKind.Country
            ? "only the letters A-Z are allowed"
            : Format($"only the letters A-Z, digits 0-9 and the separator '{Separator(kind)}' are allowed");

    private static string OperatorPart(string value)
    {
        // Only called after the country and party code were read successfully.
        _ = PartyPrefix.TryRead(value, IdentifierText.Star, out var country, out var partyStart, out _);
        return OperatorId.FromParts(country!, value, partyStart).ToString();
    }

    private static char ExpectedCheckCharacter(string value)
    {
        // Only called when the 14 characters before the check character were read successfully.
        Span<char> fourteen = stackalloc char[AnnexHCheckCharacter.InputLength];
        var n = 0;
        for (var i = 0; i < value.Length && n < fourteen.Length; i++)
        {
            if (!IdentifierText.IsSeparator(value[i]))
            {
                fourteen[n++] = value[i];
            }
        }

        return AnnexHCheckCharacter.Compute(fourteen);
    }

    private static string Format(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
