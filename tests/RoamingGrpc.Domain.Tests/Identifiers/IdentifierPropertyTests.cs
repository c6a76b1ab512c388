using CsCheck;
using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

public sealed class IdentifierPropertyTests
{
    private const long Iterations = 2_000;

    // Strings near the identifier grammar (so that some parse and most fail late), plus arbitrary Unicode.
    private const string NearAlphabet = "ABCDEKLNOXZabcez0189*- \t\u00C4\u00A0";

    private static readonly Gen<string> NearIdentifier =
        Gen.Char[NearAlphabet].Array[0, 40].Select(chars => new string(chars));

    private static readonly Gen<string> AlphanumericOf14To16 =
        Gen.Char[IdentifierGenerators.Alphanumerics].Array[14, 16].Select(chars => new string(chars));

    // A valid identifier with one character replaced by one from the near-grammar alphabet.
    private static readonly Gen<string> AlmostValid =
        Gen.Select(IdentifierGenerators.AnyCanonical, Gen.Int[0, 40], Gen.Char[NearAlphabet], (canonical, position, replacement) =>
        {
            var chars = canonical.ToCharArray();
            chars[position % chars.Length] = replacement;
            return new string(chars);
        });

    private static readonly Gen<string> RandomText =
        Gen.OneOf(Gen.String, NearIdentifier, AlphanumericOf14To16, AlmostValid, IdentifierGenerators.AnyCanonical);

    [Fact]
    public void OperatorIdParse_AnyValidSpelling_ReturnsCanonicalFormThatRoundTrips() =>
        IdentifierGenerators.Operator.Sample(
            spelling => AssertRoundTrip(spelling, OperatorId.Parse),
            iter: Iterations);

    [Fact]
    public void ProviderIdParse_AnyValidSpelling_ReturnsCanonicalFormThatRoundTrips() =>
        IdentifierGenerators.Provider.Sample(
            spelling => AssertRoundTrip(spelling, ProviderId.Parse),
            iter: Iterations);

    [Fact]
    public void EvseIdParse_AnyValidSpelling_ReturnsCanonicalFormThatRoundTrips() =>
        IdentifierGenerators.Evse.Sample(
            spelling => AssertRoundTrip(spelling, EvseId.Parse),
            iter: Iterations);

    [Fact]
    public void ContractIdParse_AnyValidSpelling_ReturnsCanonicalFormThatRoundTrips() =>
        IdentifierGenerators.Contract.Sample(
            spelling => AssertRoundTrip(spelling, ContractId.Parse),
            iter: Iterations);

    [Fact]
    public void CountryCodeParse_AnyAssignedCodeInAnyCase_RoundTrips() =>
        Gen.Select(IdentifierGenerators.Country, Gen.Bool, Gen.Bool).Sample(
            (code, lowerFirst, lowerSecond) => AssertRoundTrip(
                new Spelling(
                    string.Concat(
                        lowerFirst ? char.ToLowerInvariant(code[0]) : code[0],
                        lowerSecond ? char.ToLowerInvariant(code[1]) : code[1]),
                    code),
                CountryCode.Parse),
            iter: Iterations);

    [Fact]
    public void TryParse_RandomText_NeverThrowsAndAgreesWithParse() =>
        RandomText.Sample(
            text =>
            {
                CheckAgreement(text, IdentifierKind.Country, CountryCode.TryParse, CountryCode.Parse);
                CheckAgreement(text, IdentifierKind.Operator, OperatorId.TryParse, OperatorId.Parse);
                CheckAgreement(text, IdentifierKind.Provider, ProviderId.TryParse, ProviderId.Parse);
                CheckAgreement(text, IdentifierKind.Evse, EvseId.TryParse, EvseId.Parse);
                CheckAgreement(text, IdentifierKind.Contract, ContractId.TryParse, ContractId.Parse);
            },
            iter: 10_000);

    [Fact]
    public void ComputeCheckCharacter_AnySingleSubstitution_IsDetected() =>
        Gen.Select(
                IdentifierGenerators.Alphanumeric.Array[14],
                Gen.Int[0, 14],
                Gen.Int[1, 35])
            .Sample(
                (fourteen, position, shift) =>
                {
                    var id = new string(fourteen) + ContractId.ComputeCheckCharacter(new string(fourteen));
                    var mutated = Substitute(id, position, shift);

                    Assert.NotEqual(mutated[14], ContractId.ComputeCheckCharacter(mutated[..14]));
                },
                iter: 20_000);

    [Fact]
    public void ComputeCheckCharacter_AnySwapOfDifferentAdjacentCharacters_IsDetected() =>
        Gen.Select(IdentifierGenerators.Alphanumeric.Array[14], Gen.Int[0, 13])
            .Sample(
                (fourteen, position) =>
                {
                    var id = (new string(fourteen) + ContractId.ComputeCheckCharacter(new string(fourteen))).ToCharArray();
                    if (id[position] == id[position + 1])
                    {
                        return;
                    }

                    (id[position], id[position + 1]) = (id[position + 1], id[position]);

                    Assert.NotEqual(id[14], ContractId.ComputeCheckCharacter(new string(id, 0, 14)));
                },
                iter: 20_000);

    [Fact]
    public void ContractIdTryParse_ValidIdWithOneCharacterSubstituted_ReturnsFalse() =>
        Gen.Select(IdentifierGenerators.Contract, Gen.Int[0, 14], Gen.Int[1, 35])
            .Sample(
                (spelling, position, shift) =>
                {
                    // Canonical DE-8AA-CA2B3C4D5-L without separators is the 15 characters Annex H covers.
                    var compact = spelling.Canonical.Replace("-", string.Empty, StringComparison.Ordinal);
                    var mutated = Substitute(compact, position, shift);

                    Assert.False(ContractId.TryParse(mutated, out _, out var error));
                    Assert.NotEqual(IdentifierError.None, error);
                },
                iter: Iterations);

    private delegate bool TryParser<T>(string? value, out T? result, out IdentifierError error)
        where T : class;

    private static void AssertRoundTrip<T>(Spelling spelling, Func<string?, T> parse)
        where T : class
    {
        var parsed = parse(spelling.Input);
        var canonical = parsed.ToString();
        var reparsed = parse(canonical);

        Assert.Equal(spelling.Canonical, canonical);
        Assert.Equal(parsed, reparsed);
        Assert.Equal(parsed.GetHashCode(), reparsed.GetHashCode());
        Assert.Equal(canonical, reparsed.ToString());
        Assert.Equal(parsed, parse(spelling.Canonical));
    }

    private static void CheckAgreement<T>(string text, IdentifierKind kind, TryParser<T> tryParse, Func<string?, T> parse)
        where T : class
    {
        if (tryParse(text, out var result, out var error))
        {
            Assert.NotNull(result);
            Assert.Equal(IdentifierError.None, error);
            var canonical = result.ToString()!;
            Assert.Equal(result, parse(canonical));
            Assert.Equal(canonical, parse(canonical).ToString());
            return;
        }

        Assert.Null(result);
        Assert.NotEqual(IdentifierError.None, error);
        var exception = Assert.Throws<InvalidIdentifierException>(() => parse(text));
        Assert.Equal(kind, exception.Kind);
        Assert.Equal(error, exception.Error);
        Assert.False(string.IsNullOrWhiteSpace(exception.Message));
    }

    private static string Substitute(string value, int position, int shift)
    {
        var chars = value.ToCharArray();
        var index = IdentifierGenerators.Alphanumerics.IndexOf(char.ToUpperInvariant(chars[position]), StringComparison.Ordinal);
        chars[position] = IdentifierGenerators.Alphanumerics[(index + shift) % IdentifierGenerators.Alphanumerics.Length];
        return new string(chars);
    }
}
