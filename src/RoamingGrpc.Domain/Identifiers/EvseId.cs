using System.Diagnostics.CodeAnalysis;

namespace RoamingGrpc.Domain.Identifiers;

/// <summary>
/// An EVSE id <c>CC*OOO*E</c> followed by 1 to 30 letters, digits and <c>*</c>, such as <c>DE*ABC*E123456*1</c>
/// (ISO 15118-2 Annex H, OCPP 2.0.1). Input is case-insensitive; the two separators around the operator party code
/// are each optional (<c>DEABCE123456*1</c> is <c>DE*ABC*E123456*1</c>), while a <c>*</c> inside the suffix is part
/// of the id and kept as given. A <c>-</c> anywhere is a <see cref="IdentifierError.WrongSeparator"/>.
/// </summary>
public sealed record EvseId
{
    /// <summary>Most characters after the <c>E</c> type letter.</summary>
    public const int MaxSuffixLength = 30;

    private readonly string _text;

    private EvseId(OperatorId @operator, string suffix)
    {
        Operator = @operator;
        Suffix = suffix;
        _text = string.Concat(@operator.ToString(), "*E", suffix);
    }

    /// <summary>The operator that issued the id, e.g. <c>DE*ABC</c>.</summary>
    public OperatorId Operator { get; }

    /// <summary>
    /// The part after <c>*E</c>, <em>without</em> the <c>E</c> type letter: <c>123456*1</c> for
    /// <c>DE*ABC*E123456*1</c>. Upper case, 1 to 30 characters, starting with a letter or digit.
    /// </summary>
    public string Suffix { get; }

    /// <summary>Parses an EVSE id or throws <see cref="InvalidIdentifierException"/> saying why it is malformed.</summary>
    public static EvseId Parse(string? value) =>
        TryParseCore(value, out var result, out var failure)
            ? result
            : throw failure.ToException(IdentifierKind.Evse, value);

    /// <summary>Parses an EVSE id; false when it is malformed.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out EvseId? result) =>
        TryParseCore(value, out result, out _);

    /// <summary>Parses an EVSE id; false with the class of malformation in <paramref name="error"/>.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out EvseId? result, out IdentifierError error)
    {
        var parsed = TryParseCore(value, out result, out var failure);
        error = failure.Error;
        return parsed;
    }

    /// <inheritdoc />
    public bool Equals(EvseId? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical form, e.g. <c>DE*ABC*E123456*1</c>.</summary>
    public override string ToString() => _text;

    /// <summary>Index of the <c>E</c> type letter (or of what stands in its place) in a value with a valid prefix.</summary>
    internal static int TypeLetterIndex(string value, int partyStart)
    {
        var i = partyStart + PartyPrefix.PartyCodeLength;
        return i < value.Length && IdentifierText.IsSeparator(value[i]) ? i + 1 : i;
    }

    private static bool TryParseCore(string? value, [NotNullWhen(true)] out EvseId? result, out ParseFailure failure)
    {
        result = null;
        if (!IdentifierText.TryCheckCommon(value, out failure)
            || !PartyPrefix.TryRead(value!, IdentifierText.Star, out var country, out var partyStart, out failure))
        {
            return false;
        }

        var separatorIndex = partyStart + PartyPrefix.PartyCodeLength;
        if (separatorIndex < value!.Length && value[separatorIndex] == IdentifierText.Dash)
        {
            failure = new(IdentifierError.WrongSeparator, separatorIndex);
            return false;
        }

        var typeIndex = TypeLetterIndex(value, partyStart);
        if (typeIndex >= value.Length || IdentifierText.ToUpper(value[typeIndex]) != 'E')
        {
            failure = new(IdentifierError.MissingEvsePrefix, typeIndex);
            return false;
        }

        var suffixStart = typeIndex + 1;
        var dash = value.IndexOf(IdentifierText.Dash, suffixStart);
        if (dash >= 0)
        {
            failure = new(IdentifierError.WrongSeparator, dash);
            return false;
        }

        var suffixLength = value.Length - suffixStart;
        if (suffixLength is 0 or > MaxSuffixLength || !IdentifierText.IsAlphanumeric(value[suffixStart]))
        {
            failure = new(IdentifierError.InvalidEvseSuffix, suffixStart);
            return false;
        }

        result = new EvseId(
            OperatorId.FromParts(country, value, partyStart),
            IdentifierText.ToUpper(value, suffixStart, suffixLength));
        return true;
    }
}
