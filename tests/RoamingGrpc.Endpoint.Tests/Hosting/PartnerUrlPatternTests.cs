using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Tests.Hosting;

/// <summary>Roaming:Partners:i:AllowedUrls: the patterns a partner's stated URL must match, and their validation at start.</summary>
public sealed class PartnerUrlPatternTests
{
    [Theory]
    [InlineData("https://roaming.abc.example", "https://roaming.abc.example:7443", true)]
    [InlineData("https://roaming.abc.example", "https://ROAMING.abc.example", true)]
    [InlineData("https://roaming.abc.example", "https://evil.example", false)]
    [InlineData("https://roaming.abc.example", "https://roaming.abc.example.evil.example", false)]
    [InlineData("https://roaming.abc.example:7443", "https://roaming.abc.example:7443/", true)]
    [InlineData("https://roaming.abc.example:7443", "https://roaming.abc.example:7444", false)]
    [InlineData("https://roaming.abc.example:443", "https://roaming.abc.example", true)]
    [InlineData("https://*.abc.example", "https://node-1.abc.example:7443", true)]
    [InlineData("https://*.abc.example", "https://a.b.abc.example", true)]
    [InlineData("https://*.abc.example", "https://abc.example", false)]
    [InlineData("https://*.abc.example", "https://evilabc.example", false)]
    [InlineData("https://*.abc.example:7443", "https://node-1.abc.example:443", false)]
    [InlineData("https://10.0.0.5", "https://10.0.0.5:7443", true)]
    [InlineData("https://10.0.0.5", "https://10.0.0.50", false)]
    [InlineData("https://[::1]:7443", "https://[::1]:7443", true)]
    [InlineData("https://[::1]:7443", "https://127.0.0.1:7443", false)]
    public void Matches_StatedUrl_AsThePatternSays(string pattern, string url, bool expected)
    {
        Assert.True(PartnerUrlPattern.TryParse(pattern, out var parsed, out var problem), problem);

        Assert.Equal(expected, parsed.Matches(new Uri(url)));
    }

    [Theory]
    [InlineData("http://roaming.abc.example")]
    [InlineData("roaming.abc.example")]
    [InlineData("https://")]
    [InlineData("https://roaming.abc.example/roaming")]
    [InlineData("https://user@roaming.abc.example")]
    [InlineData("https://roaming.*.example")]
    [InlineData("https://*")]
    [InlineData("https://*.10.0.0.1")]
    [InlineData("https://roaming.abc.example:99999")]
    public void TryParse_NotAnAllowedUrlPattern_Refused(string pattern)
    {
        Assert.False(PartnerUrlPattern.TryParse(pattern, out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void From_AllowedUrlsInvalidOrNextToUrl_ListsEveryProblemByKey()
    {
        var options = new RoamingEndpointOptions { Role = "csp", PartyId = "DE-8EO" };
        var withUrl = new PartnerOptions { Role = "cso", PartyId = "DE*ABC", Url = "https://roaming.abc.example" };
        withUrl.AllowedUrls.Add("https://*.abc.example");
        var invalid = new PartnerOptions { Role = "cso", PartyId = "DE*XYZ" };
        invalid.AllowedUrls.Add("https://*.xyz.example");
        invalid.AllowedUrls.Add("http://roaming.xyz.example");
        options.Partners.Add(withUrl);
        options.Partners.Add(invalid);

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Partners:0:AllowedUrls applies only to a partner without Url", error.Message, StringComparison.Ordinal);
        Assert.Contains("Roaming:Partners:1:AllowedUrls:1 must start with https:// (was 'http://roaming.xyz.example').", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AllowedUrls:0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_AllowedUrls_ParsedForThePartner()
    {
        var options = new RoamingEndpointOptions { Role = "csp", PartyId = "DE-8EO" };
        var partner = new PartnerOptions { Role = "cso", PartyId = "DE*ABC" };
        partner.AllowedUrls.Add("https://*.abc.example:7443");
        options.Partners.Add(partner);

        var configured = Assert.Single(EndpointSettings.From(options).Partners);

        Assert.Equal(["https://*.abc.example:7443"], configured.AllowedUrls.Select(pattern => pattern.ToString()));
        Assert.Null(configured.Url);
    }

    [Fact]
    public void HandshakeOptions_ProbeIntervalBelowMaxBackoffOrUnreachableAfterZero_ProblemsNamingTheKeys()
    {
        var options = new HandshakeOptions { UnreachableAfter = TimeSpan.Zero, UnreachableProbeInterval = TimeSpan.FromSeconds(30) };

        var problems = options.Problems("Roaming:Handshake").ToList();

        Assert.Contains("Roaming:Handshake:UnreachableAfter must be positive (was 00:00:00).", problems);
        Assert.Contains(problems, problem => problem.StartsWith("Roaming:Handshake:UnreachableProbeInterval must be at least MaxBackoff", StringComparison.Ordinal));
    }
}
