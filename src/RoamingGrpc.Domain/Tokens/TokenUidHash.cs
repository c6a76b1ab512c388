using System.Security.Cryptography;
using System.Text;

namespace RoamingGrpc.Domain.Tokens;

/// <summary>
/// How token uids are hidden in a hashed token list (UC4-2): lower-case hex of SHA-256(salt || UTF-8(uid)), where
/// uid is the normalized uid. The CSP hashes its list, the CSO hashes a presented uid the same way and compares.
/// </summary>
public static class TokenUidHash
{
    /// <summary>Fewest salt bytes accepted.</summary>
    public const int MinSaltLength = 16;

    /// <summary>Most salt bytes accepted.</summary>
    public const int MaxSaltLength = 64;

    /// <summary>Length of a hash in hex digits.</summary>
    public const int HexLength = 64;

    /// <summary>The hash of <paramref name="uid"/> under <paramref name="salt"/>.</summary>
    public static string Compute(ReadOnlySpan<byte> salt, string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        var uidBytes = Encoding.UTF8.GetBytes(uid);
        var input = new byte[salt.Length + uidBytes.Length];
        salt.CopyTo(input);
        uidBytes.CopyTo(input, salt.Length);
        return Convert.ToHexStringLower(SHA256.HashData(input));
    }

    /// <summary>A fresh random salt.</summary>
    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(32);

    /// <summary>True for a well-formed hash (64 hex digits, either case).</summary>
    public static bool IsWellFormed(string? value) =>
        value is { Length: HexLength } && value.All(char.IsAsciiHexDigit);
}
