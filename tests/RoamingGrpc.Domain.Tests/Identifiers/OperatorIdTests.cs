using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

public sealed class OperatorIdTests
{
    [Theory]
    [InlineData("DE*ABC", "DE*ABC")]
    [InlineData("de*abc", "DE*ABC")]
    [InlineData("DEABC", "DE*ABC")]
    [InlineData("deAbc", "DE*ABC")]
    [InlineData("FR*A23", "FR*A23")]
    [InlineData("nl*123", "NL*123")]
    public void Parse_ValidValue_ReturnsCanonicalForm(string value, string expected)
    {
        var id = OperatorId.Parse(value);

        Assert.Equal(expected, id.ToString());
        Assert.Equal(expected[..2], id.Country.Value);
        Assert.Equal(expected[3..], id.PartyCode);
    }

    [Theory]
    [InlineData(null, IdentifierError.Empty)]
    [InlineData("", IdentifierError.Empty)]
    [InlineData(" \t ", IdentifierError.Empty)]
    [InlineData(" DE*ABC", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE*ABC\n", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("\u00A0DE*ABC", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE *ABC", IdentifierError.InvalidCharacter)]
    [InlineData("DE*AB_", IdentifierError.InvalidCharacter)]
    [InlineData("DE.ABC", IdentifierError.InvalidCharacter)]
    [InlineData("DE*\u00C4BC", IdentifierError.InvalidCharacter)]
    [InlineData("XX*ABC", IdentifierError.InvalidCountry)]
    [InlineData("D1*ABC", IdentifierError.InvalidCountry)]
    [InlineData("UK*ABC", IdentifierError.InvalidCountry)]
    [InlineData("*DEABC", IdentifierError.InvalidCountry)]
    [InlineData("D", IdentifierError.InvalidCountry)]
    [InlineData("DE", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*AB", IdentifierError.InvalidPartyCode)]
    [InlineData("DEAB", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*ABCD", IdentifierError.InvalidPartyCode)]
    [InlineData("DEABCD", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*A*C", IdentifierError.InvalidPartyCode)]
    [InlineData("DE**ABC", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*ABC*", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*ABC*E1", IdentifierError.InvalidPartyCode)]
    [InlineData("DE-ABC", IdentifierError.WrongSeparator)]
    public void Parse_MalformedValue_ThrowsWithError(string? value, IdentifierError expected)
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => OperatorId.Parse(value));

        Assert.Equal(IdentifierKind.Operator, exception.Kind);
        Assert.Equal(expected, exception.Error);
        Assert.False(OperatorId.TryParse(value, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(expected, error);
        Assert.False(OperatorId.TryParse(value, out _));
    }

    [Fact]
    public void Parse_LongerThan255_ThrowsTooLong()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => OperatorId.Parse("DE*ABC" + new string('1', 250)));

        Assert.Equal(IdentifierError.TooLong, exception.Error);
    }

    [Fact]
    public void Equals_DifferentSpellings_AreEqualWithSameHashCode()
    {
        var canonical = OperatorId.Parse("DE*ABC");
        var compact = OperatorId.Parse("deabc");

        Assert.Equal(canonical, compact);
        Assert.True(canonical == compact);
        Assert.Equal(canonical.GetHashCode(), compact.GetHashCode());
        Assert.NotEqual(canonical, OperatorId.Parse("DE*ABD"));
    }

    [Fact]
    public void Parse_WrongSeparator_MessageSaysWhichSeparator()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => OperatorId.Parse("DE-ABC"));

        Assert.Equal(
            "Operator id 'DE-ABC' has '-' at position 3; operator ids are separated with '*' only, e.g. 'DE*ABC'.",
            exception.Message);
    }

    [Fact]
    public void TryParse_ValidValue_ReturnsTrueWithoutError()
    {
        Assert.True(OperatorId.TryParse("DE*ABC", out var id, out var error));
        Assert.Equal("DE*ABC", id.ToString());
        Assert.Equal(IdentifierError.None, error);
    }
}
