using System.Buffers;
using System.Globalization;
using System.Text;

namespace RoamingGrpc.Domain.Identifiers;

/// <summary>Character rules and checks shared by all global identifiers; ASCII only, no regular expressions.</summary>
internal static class IdentifierText
{
    /// <summary>Longest accepted input of any kind: 255 is the ISO 15118-20 limit for an EMAID.</summary>
    public const int MaxLength = 255;

    /// <summary>Separator of operator and EVSE ids (<c>DE*ABC*E1</c>).</summary>
    public const char Star = '*';

    /// <summary>Separator of provider and contract ids (<c>DE-8EO-C12345678</c>).</summary>
    public const char Dash = '-';

    private const int QuoteLimit = 40;

    /// <summary>ASCII letters (both cases) and digits, for vectorized span searches.</summary>
    public static readonly SearchValues<char> Alphanumerics =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>What <see cref="TryCheckCommon"/> lets through: alphanumerics and both separators.</summary>
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("*-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsSeparator(char c) => c is Star or Dash;

    public static bool IsAlphanumeric(char c) => char.IsAsciiLetterOrDigit(c);

    public static char ToUpper(char c) => char.IsAsciiLetterLower(c) ? (char)(c - ('a' - 'A')) : c;

    /// <summary>
    /// Checks that apply to every kind, in this order: empty (null, "" or only white space), longer than
    /// <see cref="MaxLength"/>, leading or trailing white space, then any character other than ASCII letters,
    /// digits, <c>*</c> and <c>-</c>. Which separator is right is left to the caller.
    /// </summary>
    public static bool TryCheckCommon(string? value, out ParseFailure failure)
    {
        if (string.IsNullOrEmpty(value))
        {
            failure = new(IdentifierError.Empty, 0);
            return false;
        }

        if (value.Length > MaxLength)
        {
            failure = new(IdentifierError.TooLong, MaxLength);
            return false;
        }

        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            failure = string.IsNullOrWhiteSpace(value)
                ? new(IdentifierError.Empty, 0)
                : new(IdentifierError.LeadingOrTrailingWhitespace, char.IsWhiteSpace(value[0]) ? 0 : value.Length - 1);
            return false;
        }

        var invalid = value.AsSpan().IndexOfAnyExcept(Allowed);
        if (invalid >= 0)
        {
            failure = new(IdentifierError.InvalidCharacter, invalid);
            return false;
        }

        failure = default;
        return true;
    }

    /// <summary>The upper-case copy of <paramref name="length"/> characters of <paramref name="value"/>.</summary>
    public static string ToUpper(string value, int start, int length) =>
        string.Create(length, (value, start), static (span, state) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = ToUpper(state.value[state.start + i]);
            }
        });

    /// <summary>
    /// <paramref name="value"/> in single quotes for an error message: cut after 40 characters, control and
    /// non-ASCII characters written as <c>\uXXXX</c> so that a message never carries raw control characters.
    /// </summary>
    public static string Quote(string value)
    {
        var builder = new StringBuilder(QuoteLimit + 8).Append('\'');
        var shown = Math.Min(value.Length, QuoteLimit);
        for (var i = 0; i < shown; i++)
        {
            AppendVisible(builder, value[i]);
        }

        if (value.Length > QuoteLimit)
        {
            builder.Append("...");
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>One character for an error message: <c>'x'</c>, or <c>U+00A0</c> when it is not printable ASCII.</summary>
    public static string Describe(char c) =>
        c is >= ' ' and <= '~'
            ? string.Create(CultureInfo.InvariantCulture, $"'{c}'")
            : string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}");

    private static void AppendVisible(StringBuilder builder, char c)
    {
        if (c is >= ' ' and <= '~')
        {
            builder.Append(c);
        }
        else
        {
            builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
        }
    }
}
