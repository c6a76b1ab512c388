using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>The rules of the Roaming:Limits settings that keep unauthenticated connections below the connection limit.</summary>
public sealed class LimitsOptionsTests
{
    [Fact]
    public void Problems_Defaults_None() => Assert.Empty(new LimitsOptions().Problems("Roaming:Limits"));

    [Fact]
    public void Problems_UnauthenticatedCapsNotBelowTheirBounds_OneLineEachNamingTheKey()
    {
        var limits = new LimitsOptions
        {
            MaxConcurrentConnections = 100,
            MaxUnauthenticatedConnections = 100,
            MaxUnauthenticatedPerAddress = 101,
            TlsHandshakeTimeout = TimeSpan.Zero,
            RequestReceiveTimeout = TimeSpan.FromMinutes(6),
            MaxConcurrentCallsPerPartner = 0,
        };

        Assert.Equal(
            [
                "Roaming:Limits:TlsHandshakeTimeout must be more than 0 and at most 1 min (was 00:00:00).",
                "Roaming:Limits:MaxUnauthenticatedConnections must be below MaxConcurrentConnections (100), or partners could find no place left (was 100).",
                "Roaming:Limits:MaxUnauthenticatedPerAddress must be 1 to MaxUnauthenticatedConnections (100) (was 101).",
                "Roaming:Limits:RequestReceiveTimeout must be more than 0 and at most 5 min (was 00:06:00).",
                "Roaming:Limits:MaxConcurrentCallsPerPartner must be positive (was 0).",
            ],
            limits.Problems("Roaming:Limits"));
    }

    [Fact]
    public void Problems_NoConnectionLimit_UnauthenticatedCapStillApplies() =>
        Assert.Empty(new LimitsOptions { MaxConcurrentConnections = null, MaxUnauthenticatedConnections = 1_000_000 }.Problems("Roaming:Limits"));
}
