using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Tests.Tokens;

/// <summary><c>Roaming:Authorization</c> settings are checked at start.</summary>
public sealed class AuthorizationOptionsTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:00:05.001")]
    public void From_AuthorizationTimeoutOutOfRange_NamesTheSetting(string timeout)
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };
        options.Authorization.Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture);

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Authorization:Timeout must be more than 0 and at most 5 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_ThreeSecondsAndUidsInClear()
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };

        EndpointSettings.From(options);

        Assert.Equal(TimeSpan.FromSeconds(3), options.Authorization.Timeout);
        Assert.False(options.Authorization.HashTokenLists);
    }
}
