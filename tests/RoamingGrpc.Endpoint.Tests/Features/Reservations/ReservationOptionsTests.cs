using System.Globalization;
using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Tests.Features.Reservations;

/// <summary><c>Roaming:Reservations</c> settings are checked at start, each problem naming its key.</summary>
public sealed class ReservationOptionsTests
{
    private static readonly SectionValidator<ReservationOptions> Validator = new("Roaming:Reservations");

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:01:00")]
    [InlineData("1.00:00:01")]
    public void Validate_MaxDurationOutOfRange_NamesTheSetting(string duration)
    {
        var result = Validator.Validate(null, new ReservationOptions { MaxDuration = TimeSpan.Parse(duration, CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.StartsWith("Roaming:Reservations:MaxDuration must be more than 0 and at most 24 h", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExpirySweepIntervalZero_NamesTheSetting()
    {
        var result = Validator.Validate(null, new ReservationOptions { ExpirySweepInterval = TimeSpan.Zero });

        Assert.Equal(["Roaming:Reservations:ExpirySweepInterval must be positive (was 00:00:00)."], result.Failures);
    }

    [Fact]
    public void Defaults_ThirtyMinutesLongestAndOneSecondSweepAndValid()
    {
        var options = new ReservationOptions();

        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(1)), (options.MaxDuration, options.ExpirySweepInterval));
        Assert.True(Validator.Validate(null, options).Succeeded);
    }
}
