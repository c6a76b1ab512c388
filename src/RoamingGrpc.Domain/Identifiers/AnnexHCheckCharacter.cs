namespace RoamingGrpc.Domain.Identifiers;

/// <summary>
/// The EMAID check character of ISO 15118-2 Annex H, the algorithm of "Check Digit Calculation for Contract-IDs"
/// (Chen, Niemenmaa and Vinck, 2013; also used by eMI3 and the IDACS id format).
/// </summary>
/// <remarks>
/// Ported from ShellRechargeSolutionsEU/mobilityid (Apache-2.0), file
/// <c>core/src/main/scala/com/thenewmotion/mobilityid/checkDigit.scala</c>, objects <c>CheckDigitIso</c>,
/// <c>LookupTables</c> and <c>MatrixUtil</c> (commit bf0a8d6ac8bdb9aec475dfa42ec52574fac74b2d).
/// <para>
/// Each of the 36 characters stands for a 2x2 matrix with a first row (q1, q2) over Z2 and a second row (r1, r2)
/// over Z3. For the 15 characters of an EMAID with its check character, sum(q_i P1^i) = 0 mod 2 and
/// sum(r_i P2^i) = 0 mod 3 for i = 1..15, where P1 = (0 1 / 1 1) and P2 = (0 1 / 1 2). The check character is the
/// one whose matrix solves both for i = 15: q15 = t1 mod 2 (P1^15 is the identity mod 2) and
/// r15 = t2 * (-P2^-15) mod 3. The source keeps integer powers and reduces at the end; reducing the powers mod 2 and
/// mod 3 up front gives the same result.
/// </para>
/// <para>
/// Because the character-to-matrix map is one-to-one and P1, P2 and (I - P1), (I - P2) are invertible, every
/// substitution of one character and every swap of two different adjacent characters changes the sums, so it is
/// detected. The property tests check both.
/// </para>
/// </remarks>
internal static class AnnexHCheckCharacter
{
    /// <summary>Characters the check character is computed over: country (2), provider (3), instance (9).</summary>
    public const int InputLength = 14;

    // -P2^(-15) mod 3 (MatrixUtil.negP2minus15).
    private const int NegP2Minus15M11 = 0;
    private const int NegP2Minus15M12 = 2;
    private const int NegP2Minus15M21 = 2;
    private const int NegP2Minus15M22 = 1;

    // LookupTables.encoding in the order 0-9, A-Z; a value packs the matrix as q1 + 2 q2 + 4 r1 + 16 r2 (decode/encode).
    private static readonly byte[] Encoding =
    [
        0, 16, 32, 4, 20, 36, 8, 24, 40, 2, // 0-9
        18, 34, 6, 22, 38, 10, 26, 42, 1, 17, 33, 5, 21, // A-M
        37, 9, 25, 41, 3, 19, 35, 7, 23, 39, 11, 27, 43, // N-Z
    ];

    // LookupTables.decoding: packed matrix -> character.
    private static readonly char[] Decoding = BuildDecoding();

    // P1^1..P1^14 mod 2 and P2^1..P2^14 mod 3, four entries (m11, m12, m21, m22) per power.
    private static readonly int[] P1Powers = BuildPowers(0, 1, 1, 1, modulus: 2);
    private static readonly int[] P2Powers = BuildPowers(0, 1, 1, 2, modulus: 3);

    /// <summary>
    /// The upper-case check character for exactly <see cref="InputLength"/> ASCII letters (any case) and digits;
    /// the caller has checked length and characters.
    /// </summary>
    public static char Compute(ReadOnlySpan<char> fourteen)
    {
        int t1First = 0, t1Second = 0, t2First = 0, t2Second = 0;
        for (var i = 0; i < InputLength; i++)
        {
            int x = Encoding[IndexOf(fourteen[i])];
            int q1 = x & 1, q2 = (x >> 1) & 1, r1 = (x >> 2) & 3, r2 = x >> 4;
            var p = i * 4;

            // Row vector times matrix, as MatrixUtil.Vec.*: (v1 m11 + v2 m21, v1 m12 + v2 m22).
            t1First += (q1 * P1Powers[p]) + (q2 * P1Powers[p + 2]);
            t1Second += (q1 * P1Powers[p + 1]) + (q2 * P1Powers[p + 3]);
            t2First += (r1 * P2Powers[p]) + (r2 * P2Powers[p + 2]);
            t2Second += (r1 * P2Powers[p + 1]) + (r2 * P2Powers[p + 3]);
        }

        var c11 = t1First & 1;
        var c12 = t1Second & 1;
        var c21 = ((t2First * NegP2Minus15M11) + (t2Second * NegP2Minus15M21)) % 3;
        var c22 = ((t2First * NegP2Minus15M12) + (t2Second * NegP2Minus15M22)) % 3;
        return Decoding[c11 + (c12 << 1) + (c21 << 2) + (c22 << 4)];
    }

    private static int IndexOf(char c) =>
        char.IsAsciiDigit(c) ? c - '0' : IdentifierText.ToUpper(c) - 'A' + 10;

    private static char[] BuildDecoding()
    {
        var decoding = new char[48];
        for (var i = 0; i < Encoding.Length; i++)
        {
            decoding[Encoding[i]] = i < 10 ? (char)('0' + i) : (char)('A' + i - 10);
        }

        return decoding;
    }

    private static int[] BuildPowers(int m11, int m12, int m21, int m22, int modulus)
    {
        // MatrixUtil: Stream.iterate(p)(_ * p).take(14), here reduced by the modulus at each step.
        var powers = new int[InputLength * 4];
        int a = m11, b = m12, c = m21, d = m22;
        for (var i = 0; i < InputLength; i++)
        {
            powers[i * 4] = a;
            powers[(i * 4) + 1] = b;
            powers[(i * 4) + 2] = c;
            powers[(i * 4) + 3] = d;
            (a, b, c, d) = (
                ((a * m11) + (b * m21)) % modulus,
                ((a * m12) + (b * m22)) % modulus,
                ((c * m11) + (d * m21)) % modulus,
                ((c * m12) + (d * m22)) % modulus);
        }

        return powers;
    }
}
