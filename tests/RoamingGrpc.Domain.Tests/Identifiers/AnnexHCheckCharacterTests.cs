using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

/// <summary>
/// The ISO 15118-2 Annex H check character against values published by others, never against values computed by
/// our own code.
/// </summary>
public sealed class AnnexHCheckCharacterTests
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    // Sources:
    // [1] ShellRechargeSolutionsEU/mobilityid, core/src/test/scala/com/thenewmotion/mobilityid/CheckDigitSpec.scala
    //     ("CheckDigitISO should calculate check digits": the eight ids map to "T24RZDM0"); DE83DUIEN83QGZ -> D is
    //     also the worked example of "Check Digit Calculation for Contract-IDs" (hslatman/ev-id-tools,
    //     checksum/checksum_test.go).
    // [2] ShellRechargeSolutionsEU/mobilityid, core/src/test/scala/com/thenewmotion/mobilityid/ContractIdSpec.scala
    //     (NL-TNM-000122045-U, NL-TNM-000722345-X, NL-TNM-C00122045-K) and README.md (NL-TNM-012345678-W).
    // [3] hslatman/ev-id-tools, checksum/checksum_test.go: DE-8AA-CA2B3C4D5-L, the example of the eMI3 "Electric
    //     Vehicle ICT Interface Specifications" v1.0 part 2, 1.2.2.1. (The OCHP 1.4 specification prints the same id
    //     as DE8AACA2B3C4D5N, which does not satisfy Annex H; ContractIdTests rejects it.)
    public static TheoryData<string, char> PublishedExamples => new()
    {
        { "NN123ABCDEFGHI", 'T' }, // [1]
        { "FRXYZ123456789", '2' }, // [1]
        { "ITA1B2C3E4F5G6", '4' }, // [1]
        { "ESZU8WOX834H1D", 'R' }, // [1]
        { "PT73902837ABCZ", 'Z' }, // [1]
        { "DE83DUIEN83QGZ", 'D' }, // [1]
        { "DE83DUIEN83ZGQ", 'M' }, // [1]
        { "DE8AA001234567", '0' }, // [1]
        { "NLTNM000122045", 'U' }, // [2]
        { "NLTNM000722345", 'X' }, // [2]
        { "NLTNMC00122045", 'K' }, // [2]
        { "NLTNM012345678", 'W' }, // [2]
        { "DE8AACA2B3C4D5", 'L' }, // [3]
    };

    [Theory]
    [MemberData(nameof(PublishedExamples))]
    public void ComputeCheckCharacter_PublishedExample_ReturnsPublishedCharacter(string fourteen, char expected)
    {
        Assert.Equal(expected, ContractId.ComputeCheckCharacter(fourteen));
    }

    [Theory]
    [MemberData(nameof(PublishedExamples))]
    public void ComputeCheckCharacter_LowerCaseInput_ReturnsSameUpperCaseCharacter(string fourteen, char expected)
    {
        Assert.Equal(expected, ContractId.ComputeCheckCharacter(fourteen.ToLowerInvariant()));
    }

    [Theory]
    [MemberData(nameof(PublishedExamples))]
    public void ComputeCheckCharacter_AnySingleSubstitutionOfPublishedExample_IsDetected(string fourteen, char expected)
    {
        // Exhaustive over the 15 positions and the 35 other characters: Annex H detects every single substitution.
        var original = fourteen + expected;
        for (var position = 0; position < original.Length; position++)
        {
            foreach (var replacement in Alphabet)
            {
                if (replacement == original[position])
                {
                    continue;
                }

                var mutated = original.ToCharArray();
                mutated[position] = replacement;
                Assert.NotEqual(mutated[14], ContractId.ComputeCheckCharacter(new string(mutated, 0, 14)));
            }
        }
    }
}
