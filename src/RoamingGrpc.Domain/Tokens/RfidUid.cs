using System.Diagnostics.CodeAnalysis;

namespace RoamingGrpc.Domain.Tokens;

/// <summary>
/// The UID of an RFID card in its one written form: upper-case hexadecimal, whole bytes, no separators. Input may
/// use either case and separate bytes with <c>:</c>, <c>-</c> or spaces (<c>04:a1:b2:c3</c> is <c>04A1B2C3</c>).
/// </summary>
public static class RfidUid
{
    /// <summary>Longest UID accepted, in hex digits (32 bytes; ISO 14443 UIDs have 4, 7 or 10).</summary>
    public const int MaxHexDigits = 64;

    /// <summary>The normalized UID, or false with a reason a person can act on.</summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? problem)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "is required";
            return false;
        }

        var digits = new char[Math.Min(value.Length, MaxHexDigits + 1)];
        var count = 0;
        foreach (var c in value)
        {
            if (c is ':' or '-' or ' ')
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                problem = "an RFID uid is hexadecimal (0-9, A-F), optionally with ':', '-' or ' ' between bytes";
                return false;
            }

            if (count == MaxHexDigits)
            {
                problem = $"an RFID uid has at most {MaxHexDigits} hex digits";
                return false;
            }

            digits[count++] = char.ToUpperInvariant(c);
        }

        if (count == 0 || count % 2 != 0)
        {
            problem = "an RFID uid is a whole number of bytes (an even number of hex digits)";
            return false;
        }

        normalized = new string(digits, 0, count);
        problem = null;
        return true;
    }
}
