using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

public sealed class CountryCodeTests
{
    [Theory]
    [InlineData("DE", "DE")]
    [InlineData("de", "DE")]
    [InlineData("dE", "DE")]
    [InlineData("NL", "NL")]
    [InlineData("ax", "AX")]
    [InlineData("ZW", "ZW")]
    public void Parse_AssignedCode_ReturnsUpperCase(string value, string expected)
    {
        var country = CountryCode.Parse(value);

        Assert.Equal(expected, country.Value);
        Assert.Equal(expected, country.ToString());
    }

    [Theory]
    [InlineData(null, IdentifierError.Empty)]
    [InlineData("", IdentifierError.Empty)]
    [InlineData("  ", IdentifierError.Empty)]
    [InlineData(" DE", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE ", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE\n", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("\u00A0DE", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("D E", IdentifierError.InvalidCharacter)]
    [InlineData("D\u00C4", IdentifierError.InvalidCharacter)]
    [InlineData("D.", IdentifierError.InvalidCharacter)]
    [InlineData("XX", IdentifierError.InvalidCountry)]
    [InlineData("D1", IdentifierError.InvalidCountry)]
    [InlineData("12", IdentifierError.InvalidCountry)]
    [InlineData("UK", IdentifierError.InvalidCountry)]
    [InlineData("XK", IdentifierError.InvalidCountry)]
    [InlineData("EU", IdentifierError.InvalidCountry)]
    [InlineData("D", IdentifierError.InvalidCountry)]
    [InlineData("DEU", IdentifierError.InvalidCountry)]
    [InlineData("D*", IdentifierError.InvalidCountry)]
    public void Parse_MalformedValue_ThrowsWithError(string? value, IdentifierError expected)
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => CountryCode.Parse(value));

        Assert.Equal(IdentifierKind.Country, exception.Kind);
        Assert.Equal(expected, exception.Error);
        Assert.False(CountryCode.TryParse(value, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_LongerThan255_ThrowsTooLong()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => CountryCode.Parse(new string('D', 256)));

        Assert.Equal(IdentifierError.TooLong, exception.Error);
    }

    [Fact]
    public void AssignedCodes_All_Are249DistinctAndParse()
    {
        Assert.Equal(249, CountryCode.AssignedCodes.Count);
        Assert.Equal(249, CountryCode.AssignedCodes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(CountryCode.AssignedCodes, code => Assert.Equal(code, CountryCode.Parse(code.ToLowerInvariant()).Value));
    }

    [Fact]
    public void TryParse_EveryOtherLetterPair_ReturnsFalse()
    {
        var assigned = CountryCode.AssignedCodes.ToHashSet(StringComparer.Ordinal);
        for (var first = 'A'; first <= 'Z'; first++)
        {
            for (var second = 'A'; second <= 'Z'; second++)
            {
                var code = string.Concat(first, second);
                Assert.Equal(assigned.Contains(code), CountryCode.TryParse(code, out _));
            }
        }
    }

    [Fact]
    public void Equals_DifferentInputCase_AreEqualWithSameHashCode()
    {
        var upper = CountryCode.Parse("FR");
        var lower = CountryCode.Parse("fr");

        Assert.Equal(upper, lower);
        Assert.True(upper == lower);
        Assert.Equal(upper.GetHashCode(), lower.GetHashCode());
        Assert.NotEqual(upper, CountryCode.Parse("DE"));
    }

    [Fact]
    public void Parse_UnassignedCode_MessageNamesTheValue()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => CountryCode.Parse("XX"));

        Assert.Equal("Country code 'XX' is not an officially assigned ISO 3166-1 alpha-2 code (two letters, e.g. 'DE').", exception.Message);
        Assert.IsAssignableFrom<FormatException>(exception);
    }
}
