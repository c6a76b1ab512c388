using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

public sealed class ContractIdTests
{
    // Published examples: DE-8AA-CA2B3C4D5-L from eMI3 "Electric Vehicle ICT Interface Specifications" v1.0 part 2,
    // 1.2.2.1, as quoted in hslatman/ev-id-tools checksum/checksum_test.go; NL-TNM-C00122045-K from
    // ShellRechargeSolutionsEU/mobilityid core/src/test/scala/com/thenewmotion/mobilityid/ContractIdSpec.scala.
    [Theory]
    [InlineData("DE-8AA-CA2B3C4D5-L", "DE-8AA-CA2B3C4D5-L")]
    [InlineData("de-8aa-ca2b3c4d5-l", "DE-8AA-CA2B3C4D5-L")]
    [InlineData("DE8AACA2B3C4D5L", "DE-8AA-CA2B3C4D5-L")]
    [InlineData("DE8AACA2B3C4D5", "DE-8AA-CA2B3C4D5-L")]
    [InlineData("DE-8AA-CA2B3C4D5", "DE-8AA-CA2B3C4D5-L")]
    [InlineData("DE8AA-CA2B3C4D5-L", "DE-8AA-CA2B3C4D5-L")]
    [InlineData("DE-8AACA2B3C4D5L", "DE-8AA-CA2B3C4D5-L")]
    [InlineData("NL-TNM-C00122045-K", "NL-TNM-C00122045-K")]
    [InlineData("Nl-TnM-C00122045-K", "NL-TNM-C00122045-K")]
    [InlineData("nl-TNm-C00122045-k", "NL-TNM-C00122045-K")]
    [InlineData("NLTNMC00122045", "NL-TNM-C00122045-K")]
    public void Parse_ValidValue_ReturnsCanonicalFormWithCheckCharacter(string value, string expected)
    {
        var id = ContractId.Parse(value);

        Assert.Equal(expected, id.ToString());
        Assert.Equal(ProviderId.Parse(expected[..6]), id.Provider);
        Assert.Equal(expected[7..16], id.Instance);
        Assert.Equal(expected[^1], id.CheckCharacter);
    }

    [Fact]
    public void Parse_WithAndWithoutCheckCharacter_AreEqual()
    {
        var with = ContractId.Parse("DE-8AA-CA2B3C4D5-L");
        var without = ContractId.Parse("de8aaca2b3c4d5");

        Assert.Equal(with, without);
        Assert.Equal(with.GetHashCode(), without.GetHashCode());
        Assert.NotEqual(with, ContractId.Parse("DE-8AA-CA2B3C4D6"));
    }

    [Theory]
    [InlineData(null, IdentifierError.Empty)]
    [InlineData("", IdentifierError.Empty)]
    [InlineData("\t", IdentifierError.Empty)]
    [InlineData(" DE-8AA-CA2B3C4D5-L", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE-8AA-CA2B3C4D5-L ", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE-8AA-CA2B3C4D5-L\r\n", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE-8AA-CA2B 3C4D5-L", IdentifierError.InvalidCharacter)]
    [InlineData("DE-8AA-CA2B3C4D5-\u00C4", IdentifierError.InvalidCharacter)]
    [InlineData("DE-8A$-CA2B3C4D5", IdentifierError.InvalidCharacter)]
    [InlineData("DE/8AA/CA2B3C4D5", IdentifierError.InvalidCharacter)]
    [InlineData("XX-8AA-CA2B3C4D5", IdentifierError.InvalidCountry)]
    [InlineData("D1-8AA-CA2B3C4D5", IdentifierError.InvalidCountry)]
    [InlineData("NN123ABCDEFGHIT", IdentifierError.InvalidCountry)]
    [InlineData("DE-8A-CA2B3C4D5", IdentifierError.InvalidPartyCode)]
    [InlineData("DE-8", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*8AA*CA2B3C4D5*L", IdentifierError.WrongSeparator)]
    [InlineData("DE-8AA*CA2B3C4D5", IdentifierError.WrongSeparator)]
    [InlineData("DE-8AA-CA2B3C4D5*L", IdentifierError.WrongSeparator)]
    [InlineData("DE-8AA-XA2B3C4D5-L", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA-001234567", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA-CA2B3C4D", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA-CA2B3C4", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA-CA2B-3C4D5", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA-CA2B3C4D5XY", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA-CA2B3C4D5-LL", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA", IdentifierError.InvalidInstance)]
    [InlineData("DE-8AA-CA2B3C4D5-M", IdentifierError.InvalidCheckCharacter)]
    [InlineData("de8aaca2b3c4d5m", IdentifierError.InvalidCheckCharacter)]
    [InlineData("DE8AACA2B3C4D5N", IdentifierError.InvalidCheckCharacter)]
    [InlineData("NL-TNM-C00122045-U", IdentifierError.InvalidCheckCharacter)]
    [InlineData("DE-8AA-CA2B3C4D5-", IdentifierError.InvalidCheckCharacter)]
    [InlineData("DE-8AA-CA2B3C4D5--", IdentifierError.InvalidCheckCharacter)]
    public void Parse_MalformedValue_ThrowsWithError(string? value, IdentifierError expected)
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => ContractId.Parse(value));

        Assert.Equal(IdentifierKind.Contract, exception.Kind);
        Assert.Equal(expected, exception.Error);
        Assert.False(ContractId.TryParse(value, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(expected, error);
        Assert.False(ContractId.TryParse(value, out _));
    }

    [Fact]
    public void Parse_LongerThan255_ThrowsTooLong()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(
            () => ContractId.Parse("DE-8AA-CA2B3C4D5-L" + new string('0', 238)));

        Assert.Equal(IdentifierError.TooLong, exception.Error);
        Assert.Equal("Contract id is 256 characters long; at most 255 are allowed.", exception.Message);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\u00C4")]
    [InlineData("*")]
    public void Parse_LongerThan255_IsCheckedBeforeAnythingElse(string filler)
    {
        var value = filler + "DE-8AA-CA2B3C4D5-L" + string.Concat(Enumerable.Repeat(filler, 255));

        var exception = Assert.Throws<InvalidIdentifierException>(() => ContractId.Parse(value));

        Assert.Equal(IdentifierError.TooLong, exception.Error);
    }

    [Fact]
    public void Parse_Exactly255Characters_IsNotTooLong()
    {
        var value = "DE-8AA-CA2B3C4D5-L" + new string('0', 237);

        Assert.False(ContractId.TryParse(value, out _, out var error));
        Assert.Equal(255, value.Length);
        Assert.Equal(IdentifierError.InvalidInstance, error);
    }

    [Fact]
    public void Parse_WrongCheckCharacter_MessageGivesTheExpectedOne()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => ContractId.Parse("DE-8AA-CA2B3C4D5-M"));

        Assert.Equal(
            "Contract id 'DE-8AA-CA2B3C4D5-M' has check character 'M', but ISO 15118-2 Annex H gives 'L'.",
            exception.Message);
    }

    [Fact]
    public void Parse_ControlCharacter_MessageEscapesIt()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => ContractId.Parse("DE-8AA\u0007CA2B3C4D5"));

        Assert.Equal(IdentifierError.InvalidCharacter, exception.Error);
        Assert.Contains("'DE-8AA\\u0007CA2B3C4D5'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("U+0007 at position 7", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DE8AACA2B3C4D")]
    [InlineData("DE8AACA2B3C4D5L")]
    [InlineData("DE-8AACA2B3C4D")]
    [InlineData("")]
    [InlineData("\u0415\u0432\u0440\u043e\u043f\u0430\u0440\u0443\u043b\u0438\u0442123")]
    [InlineData("DE\u0668\u0663DUIEN\u0668\u0663QGZ")]
    public void ComputeCheckCharacter_Not14AsciiAlphanumerics_ThrowsArgumentException(string value)
    {
        Assert.Throws<ArgumentException>(() => ContractId.ComputeCheckCharacter(value));
    }

    [Fact]
    public void ComputeCheckCharacter_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => ContractId.ComputeCheckCharacter(null!));
    }
}
