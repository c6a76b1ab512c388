using RoamingGrpc.Domain.ChargePlans;

namespace RoamingGrpc.Domain.Tests.ChargePlans;

public sealed class ConnectorRatingTests
{
    [Theory]
    [InlineData(3, 230, 32, null, 22_080.0)]
    [InlineData(1, 230, 32, null, 7_360.0)]
    [InlineData(3, 400, 32, 22_000, 22_000.0)]
    [InlineData(1, 920, 200, 150_000, 150_000.0)]
    [InlineData(1, 230, 16, 10_000, 3_680.0)]
    public void MaxPowerW_WithOrWithoutMaxElectricPower_LowerBoundWins(int phases, int volts, int amperes, int? maxPower, double expected) =>
        Assert.Equal(expected, new ConnectorRating(phases, volts, amperes, maxPower).MaxPowerW);

    [Fact]
    public void WattsAt_CurrentPerPhase_TimesVoltageAndPhases()
    {
        var rating = new ConnectorRating(3, 230, 32, null);

        Assert.Equal((32.0, 11_040.0), (rating.MaxCurrentA, rating.WattsAt(16)));
    }
}
