using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

public sealed class EvseIdTests
{
    [Theory]
    [InlineData("DE*ABC*E123456*1", "DE*ABC*E123456*1", "123456*1")]
    [InlineData("de*abc*e123456*1", "DE*ABC*E123456*1", "123456*1")]
    [InlineData("DEABCE123456*1", "DE*ABC*E123456*1", "123456*1")]
    [InlineData("DE*ABCE123456*1", "DE*ABC*E123456*1", "123456*1")]
    [InlineData("deabc*e123456*1", "DE*ABC*E123456*1", "123456*1")]
    [InlineData("DEABCE123", "DE*ABC*E123", "123")]
    [InlineData("FR*A23*E45B*78C", "FR*A23*E45B*78C", "45B*78C")]
    [InlineData("nl*tnm*ex", "NL*TNM*EX", "X")]
    [InlineData("DE*ABC*EE", "DE*ABC*EE", "E")]
    public void Parse_ValidValue_ReturnsCanonicalForm(string value, string expected, string suffix)
    {
        var id = EvseId.Parse(value);

        Assert.Equal(expected, id.ToString());
        Assert.Equal(suffix, id.Suffix);
        Assert.Equal(OperatorId.Parse(expected[..6]), id.Operator);
    }

    [Fact]
    public void Parse_SuffixOf30Characters_Succeeds()
    {
        var suffix = "A" + new string('9', 28) + "Z";

        var id = EvseId.Parse("de*abc*e" + suffix.ToLowerInvariant());

        Assert.Equal(30, id.Suffix.Length);
        Assert.Equal("DE*ABC*E" + suffix, id.ToString());
    }

    [Theory]
    [InlineData(null, IdentifierError.Empty)]
    [InlineData("", IdentifierError.Empty)]
    [InlineData(" ", IdentifierError.Empty)]
    [InlineData(" DE*ABC*E1", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE*ABC*E1 ", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE*ABC*E1 2", IdentifierError.InvalidCharacter)]
    [InlineData("DE*ABC*E1_2", IdentifierError.InvalidCharacter)]
    [InlineData("DE*ABC*E1\u00C4", IdentifierError.InvalidCharacter)]
    [InlineData("XX*ABC*E1", IdentifierError.InvalidCountry)]
    [InlineData("D1*ABC*E1", IdentifierError.InvalidCountry)]
    [InlineData("DE*AB*E1", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*A", IdentifierError.InvalidPartyCode)]
    [InlineData("DE-ABC*E1", IdentifierError.WrongSeparator)]
    [InlineData("DE*ABC-E1", IdentifierError.WrongSeparator)]
    [InlineData("DE*ABC*E1-2", IdentifierError.WrongSeparator)]
    [InlineData("DE*ABC*E-1", IdentifierError.WrongSeparator)]
    [InlineData("DE*ABC*X1", IdentifierError.MissingEvsePrefix)]
    [InlineData("DEABCX1", IdentifierError.MissingEvsePrefix)]
    [InlineData("DE*ABC", IdentifierError.MissingEvsePrefix)]
    [InlineData("DE*ABC*", IdentifierError.MissingEvsePrefix)]
    [InlineData("DE*ABC**E1", IdentifierError.MissingEvsePrefix)]
    [InlineData("DE*ABC*E", IdentifierError.InvalidEvseSuffix)]
    [InlineData("DEABCE", IdentifierError.InvalidEvseSuffix)]
    [InlineData("DE*ABC*E*1", IdentifierError.InvalidEvseSuffix)]
    [InlineData("DE*ABC*E1234567890123456789012345678901", IdentifierError.InvalidEvseSuffix)]
    public void Parse_MalformedValue_ThrowsWithError(string? value, IdentifierError expected)
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => EvseId.Parse(value));

        Assert.Equal(IdentifierKind.Evse, exception.Kind);
        Assert.Equal(expected, exception.Error);
        Assert.False(EvseId.TryParse(value, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(expected, error);
        Assert.False(EvseId.TryParse(value, out _));
    }

    [Fact]
    public void Parse_SuffixOf31Characters_ThrowsInvalidEvseSuffix()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => EvseId.Parse("DE*ABC*E" + new string('1', 31)));

        Assert.Equal(IdentifierError.InvalidEvseSuffix, exception.Error);
        Assert.Contains("it has 31", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongerThan255_ThrowsTooLong()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => EvseId.Parse("DE*ABC*E" + new string('1', 248)));

        Assert.Equal(IdentifierError.TooLong, exception.Error);
    }

    [Fact]
    public void Parse_MissingEvsePrefix_MessageNamesTheOperator()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => EvseId.Parse("DE*ABC*X1"));

        Assert.Equal("EVSE id 'DE*ABC*X1' must continue with '*E' after the operator id 'DE*ABC'.", exception.Message);
    }

    [Fact]
    public void Parse_DashInSuffix_MessageSaysEvseIdsUseStar()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => EvseId.Parse("DE*ABC*E1-2"));

        Assert.Equal(
            "EVSE id 'DE*ABC*E1-2' has '-' at position 10; EVSE ids are separated with '*' only, e.g. 'DE*ABC*E123456*1'.",
            exception.Message);
    }

    [Fact]
    public void Equals_DifferentSpellings_AreEqualWithSameHashCode()
    {
        var canonical = EvseId.Parse("DE*ABC*E123456*1");
        var compact = EvseId.Parse("deabce123456*1");

        Assert.Equal(canonical, compact);
        Assert.Equal(canonical.GetHashCode(), compact.GetHashCode());
        Assert.NotEqual(canonical, EvseId.Parse("DE*ABC*E1234561"));
    }
}
