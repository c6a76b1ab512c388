using System.Globalization;
using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Tests.Reservations;

/// <summary><c>Roaming:Reservations</c> settings are checked at start.</summary>
public sealed class ReservationOptionsTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("1.00:00:01")]
    public void From_MaxDurationOutOfRange_NamesTheSetting(string duration)
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };
        options.Reservations.MaxDuration = TimeSpan.Parse(duration, CultureInfo.InvariantCulture);

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Reservations:MaxDuration must be more than 0 and at most 24 h", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ExpirySweepIntervalZero_NamesTheSetting()
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };
        options.Reservations.ExpirySweepInterval = TimeSpan.Zero;

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Reservations:ExpirySweepInterval must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_ThirtyMinutesLongestAndOneSecondSweep()
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };

        EndpointSettings.From(options);

        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1)), (options.Reservations.MaxDuration, options.Reservations.ExpirySweepInterval));
    }
}
