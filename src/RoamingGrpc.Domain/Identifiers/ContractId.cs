using System.Diagnostics.CodeAnalysis;

namespace RoamingGrpc.Domain.Identifiers;

/// <summary>
/// A contract id (EMAID) <c>CC-PPP-CXXXXXXXX-K</c> such as <c>DE-8AA-CA2B3C4D5-L</c>: the provider id, an instance
/// of <c>C</c> and 8 letters or digits, and the ISO 15118-2 Annex H check character. Input is case-insensitive,
/// each <c>-</c> is optional and the check character may be left out (<c>de8aaca2b3c4d5</c> is
/// <c>DE-8AA-CA2B3C4D5-L</c>); a <c>*</c> is a <see cref="IdentifierError.WrongSeparator"/>. The canonical form
/// always carries the check character: computed when the input left it out, verified when it was given.
/// </summary>
public sealed record ContractId
{
    /// <summary>Longest accepted input (ISO 15118-20), checked before anything else.</summary>
    public const int MaxLength = IdentifierText.MaxLength;

    /// <summary>Length of the instance, including its leading <c>C</c>.</summary>
    public const int InstanceLength = 9;

    private const int ProviderLength = 5; // country (2) + party code (3), without separator

    private readonly string _text;

    private ContractId(ProviderId provider, string instance, char checkCharacter)
    {
        Provider = provider;
        Instance = instance;
        CheckCharacter = checkCharacter;
        _text = string.Create(
            provider.ToString().Length + 1 + instance.Length + 2,
            (provider: provider.ToString(), instance, checkCharacter),
            static (span, state) =>
            {
                state.provider.CopyTo(span);
                var i = state.provider.Length;
                span[i++] = IdentifierText.Dash;
                state.instance.CopyTo(span[i..]);
                i += state.instance.Length;
                span[i++] = IdentifierText.Dash;
                span[i] = state.checkCharacter;
            });
    }

    /// <summary>The provider that issued the contract, e.g. <c>DE-8AA</c>.</summary>
    public ProviderId Provider { get; }

    /// <summary>The 9-character instance including its leading <c>C</c>, upper case, e.g. <c>CA2B3C4D5</c>.</summary>
    public string Instance { get; }

    /// <summary>The ISO 15118-2 Annex H check character, upper case, e.g. <c>L</c>.</summary>
    public char CheckCharacter { get; }

    /// <summary>Parses a contract id or throws <see cref="InvalidIdentifierException"/> saying why it is malformed.</summary>
    public static ContractId Parse(string? value) =>
        TryParseCore(value, out var result, out var failure)
            ? result
            : throw failure.ToException(IdentifierKind.Contract, value);

    /// <summary>Parses a contract id; false when it is malformed.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ContractId? result) =>
        TryParseCore(value, out result, out _);

    /// <summary>Parses a contract id; false with the class of malformation in <paramref name="error"/>.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out ContractId? result, out IdentifierError error)
    {
        var parsed = TryParseCore(value, out result, out var failure);
        error = failure.Error;
        return parsed;
    }

    /// <summary>
    /// The ISO 15118-2 Annex H check character (upper case) for the 14 characters of an EMAID without separators
    /// and without check character, e.g. <c>'L'</c> for <c>DE8AACA2B3C4D5</c>. Letters may be in either case.
    /// </summary>
    /// <exception cref="ArgumentException">The value is not exactly 14 ASCII letters and digits.</exception>
    public static char ComputeCheckCharacter(string fourteenCharacters)
    {
        ArgumentNullException.ThrowIfNull(fourteenCharacters);
        if (fourteenCharacters.Length != AnnexHCheckCharacter.InputLength
            || fourteenCharacters.AsSpan().ContainsAnyExcept(IdentifierText.Alphanumerics))
        {
            throw new ArgumentException(
                "The check character is computed over exactly 14 ASCII letters and digits (country, provider and instance, without separators).",
                nameof(fourteenCharacters));
        }

        return AnnexHCheckCharacter.Compute(fourteenCharacters);
    }

    /// <inheritdoc />
    public bool Equals(ContractId? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical form with separators and check character, e.g. <c>DE-8AA-CA2B3C4D5-L</c>.</summary>
    public override string ToString() => _text;

    private static bool TryParseCore(string? value, [NotNullWhen(true)] out ContractId? result, out ParseFailure failure)
    {
        result = null;
        if (!IdentifierText.TryCheckCommon(value, out failure)
            || !PartyPrefix.TryRead(value!, IdentifierText.Dash, out var country, out var partyStart, out failure))
        {
            return false;
        }

        var i = partyStart + PartyPrefix.PartyCodeLength;
        if (i < value!.Length && IdentifierText.IsSeparator(value[i]))
        {
            if (value[i] != IdentifierText.Dash)
            {
                failure = new(IdentifierError.WrongSeparator, i);
                return false;
            }

            i++;
        }

        var instanceStart = i;
        if (value.Length - instanceStart < InstanceLength
            || IdentifierText.ToUpper(value[instanceStart]) != 'C'
            || value.AsSpan(instanceStart, InstanceLength).ContainsAnyExcept(IdentifierText.Alphanumerics))
        {
            failure = new(IdentifierError.InvalidInstance, instanceStart);
            return false;
        }

        if (!TryFindCheckCharacter(value, instanceStart + InstanceLength, out var checkIndex, out failure))
        {
            return false;
        }

        Span<char> fourteen = stackalloc char[AnnexHCheckCharacter.InputLength];
        country.Value.CopyTo(fourteen);
        for (var k = 0; k < PartyPrefix.PartyCodeLength; k++)
        {
            fourteen[2 + k] = IdentifierText.ToUpper(value[partyStart + k]);
        }

        for (var k = 0; k < InstanceLength; k++)
        {
            fourteen[ProviderLength + k] = IdentifierText.ToUpper(value[instanceStart + k]);
        }

        var computed = AnnexHCheckCharacter.Compute(fourteen);
        if (checkIndex >= 0 && IdentifierText.ToUpper(value[checkIndex]) != computed)
        {
            failure = new(IdentifierError.InvalidCheckCharacter, checkIndex);
            return false;
        }

        result = new ContractId(
            ProviderId.FromParts(country, value, partyStart),
            new string(fourteen[ProviderLength..]),
            computed);
        return true;
    }

    /// <summary>
    /// What follows the instance: nothing (<paramref name="checkIndex"/> is -1), the check character, or <c>-</c>
    /// and the check character.
    /// </summary>
    private static bool TryFindCheckCharacter(string value, int start, out int checkIndex, out ParseFailure failure)
    {
        checkIndex = -1;
        failure = default;
        switch (value.Length - start)
        {
            case 0:
                return true;
            case 1 when IdentifierText.IsAlphanumeric(value[start]):
                checkIndex = start;
                return true;
            case 1:
                // A separator after the instance but no check character.
                failure = new(IdentifierError.InvalidCheckCharacter, start);
                return false;
            case 2 when value[start] == IdentifierText.Star:
                failure = new(IdentifierError.WrongSeparator, start);
                return false;
            case 2 when value[start] == IdentifierText.Dash && IdentifierText.IsAlphanumeric(value[start + 1]):
                checkIndex = start + 1;
                return true;
            case 2 when value[start] == IdentifierText.Dash:
                failure = new(IdentifierError.InvalidCheckCharacter, start + 1);
                return false;
            default:
                // The instance goes on past its 9 characters.
                failure = new(IdentifierError.InvalidInstance, start - InstanceLength);
                return false;
        }
    }
}
