using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Tests.Features.Authorization;

/// <summary><c>Roaming:Authorization</c> settings are checked at start, each problem naming its key.</summary>
public sealed class AuthorizationOptionsTests
{
    private static readonly SectionValidator<AuthorizationOptions> Validator = new("Roaming:Authorization");

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:00:05.001")]
    public void Validate_AuthorizationTimeoutOutOfRange_NamesTheSetting(string timeout)
    {
        var result = Validator.Validate(null, new AuthorizationOptions { Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.StartsWith("Roaming:Authorization:Timeout must be more than 0 and at most 5 s", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_ThreeSecondsAndUidsInClearAndValid()
    {
        var options = new AuthorizationOptions();

        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.False(options.HashTokenLists);
        Assert.True(Validator.Validate(null, options).Succeeded);
    }
}
