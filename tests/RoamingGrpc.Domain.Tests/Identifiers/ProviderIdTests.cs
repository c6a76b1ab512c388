using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Tests.Identifiers;

public sealed class ProviderIdTests
{
    [Theory]
    [InlineData("DE-8EO", "DE-8EO")]
    [InlineData("de-8eo", "DE-8EO")]
    [InlineData("DE8EO", "DE-8EO")]
    [InlineData("de8Eo", "DE-8EO")]
    [InlineData("NL-TNM", "NL-TNM")]
    [InlineData("fr123", "FR-123")]
    public void Parse_ValidValue_ReturnsCanonicalForm(string value, string expected)
    {
        var id = ProviderId.Parse(value);

        Assert.Equal(expected, id.ToString());
        Assert.Equal(expected[..2], id.Country.Value);
        Assert.Equal(expected[3..], id.PartyCode);
    }

    [Theory]
    [InlineData(null, IdentifierError.Empty)]
    [InlineData("", IdentifierError.Empty)]
    [InlineData("   ", IdentifierError.Empty)]
    [InlineData(" DE-8EO", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE-8EO\t", IdentifierError.LeadingOrTrailingWhitespace)]
    [InlineData("DE- 8EO", IdentifierError.InvalidCharacter)]
    [InlineData("DE-8E#", IdentifierError.InvalidCharacter)]
    [InlineData("DE_8EO", IdentifierError.InvalidCharacter)]
    [InlineData("XX-8EO", IdentifierError.InvalidCountry)]
    [InlineData("D1-8EO", IdentifierError.InvalidCountry)]
    [InlineData("-DE8EO", IdentifierError.InvalidCountry)]
    [InlineData("DE", IdentifierError.InvalidPartyCode)]
    [InlineData("DE-8E", IdentifierError.InvalidPartyCode)]
    [InlineData("DE8E", IdentifierError.InvalidPartyCode)]
    [InlineData("DE-8EOX", IdentifierError.InvalidPartyCode)]
    [InlineData("DE--8EO", IdentifierError.InvalidPartyCode)]
    [InlineData("DE-8-O", IdentifierError.InvalidPartyCode)]
    [InlineData("DE-8EO-", IdentifierError.InvalidPartyCode)]
    [InlineData("DE*8EO", IdentifierError.WrongSeparator)]
    public void Parse_MalformedValue_ThrowsWithError(string? value, IdentifierError expected)
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => ProviderId.Parse(value));

        Assert.Equal(IdentifierKind.Provider, exception.Kind);
        Assert.Equal(expected, exception.Error);
        Assert.False(ProviderId.TryParse(value, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(expected, error);
        Assert.False(ProviderId.TryParse(value, out _));
    }

    [Fact]
    public void Parse_LongerThan255_ThrowsTooLong()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => ProviderId.Parse("DE-8EO" + new string('1', 250)));

        Assert.Equal(IdentifierError.TooLong, exception.Error);
    }

    [Fact]
    public void Equals_DifferentSpellings_AreEqualWithSameHashCode()
    {
        var canonical = ProviderId.Parse("DE-8EO");
        var compact = ProviderId.Parse("de8eo");

        Assert.Equal(canonical, compact);
        Assert.Equal(canonical.GetHashCode(), compact.GetHashCode());
        Assert.NotEqual(canonical, ProviderId.Parse("AT-8EO"));
    }

    [Fact]
    public void Parse_PartyCodeTooShort_MessageGivesAnExample()
    {
        var exception = Assert.Throws<InvalidIdentifierException>(() => ProviderId.Parse("DE-8E"));

        Assert.Equal(
            "Provider id 'DE-8E' must be the country code and a party code of exactly 3 letters or digits, nothing more, e.g. 'DE-8EO'.",
            exception.Message);
    }
}
