using RoamingGrpc.Domain.ChargePlans;

namespace RoamingGrpc.Domain.Tests.ChargePlans;

public sealed class ChargeScheduleTests
{
    // 11 kW for the first 30 minutes, 0 (paused) for 15 minutes, then 7.4 kW; the schedule lasts 2 hours.
    private static readonly ChargeSchedule Stepped = new(
        [new(TimeSpan.Zero, 11_000), new(TimeSpan.FromMinutes(30), 0), new(TimeSpan.FromMinutes(45), 7_400)],
        TimeSpan.FromHours(2));

    [Theory]
    [InlineData(-1, null)]
    [InlineData(0, 11_000.0)]
    [InlineData(29, 11_000.0)]
    [InlineData(30, 0.0)]
    [InlineData(44, 0.0)]
    [InlineData(45, 7_400.0)]
    [InlineData(119, 7_400.0)]
    [InlineData(120, null)]
    public void LimitAt_MinutesIntoTheSchedule_LimitOfThePeriodOrNoneOutside(int minutes, double? expected) =>
        Assert.Equal(expected, Stepped.LimitAt(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void LimitAt_NoDuration_LastPeriodHoldsUntilTheSessionEnds() =>
        Assert.Equal(3_000, new ChargeSchedule([new(TimeSpan.Zero, 3_000)], null).LimitAt(TimeSpan.FromDays(3)));

    [Fact]
    public void EnergyKwh_DemandAboveTheLimits_FollowsEachPeriodThenTheDemandAfterTheEnd()
    {
        // 0.5 h x 11 kW + 0.25 h x 0 + 1.25 h x 7.4 kW + (after the schedule) 0.5 h x 50 kW = 5.5 + 9.25 + 25.
        var energy = Stepped.EnergyKwh(TimeSpan.Zero, TimeSpan.FromHours(2.5), 50, watts => watts / 1000);

        Assert.Equal(39.75, energy, 9);
    }

    [Fact]
    public void EnergyKwh_DemandBelowTheLimitAndBeforeTheStart_DemandCounts()
    {
        // 15 minutes before the schedule at 5 kW (no limit), then 15 minutes at 5 kW (under 11 kW).
        var energy = Stepped.EnergyKwh(TimeSpan.FromMinutes(-15), TimeSpan.FromMinutes(15), 5, watts => watts / 1000);

        Assert.Equal(2.5, energy, 9);
    }

    [Fact]
    public void EnergyKwh_CurrentLimits_ConvertedByTheGivenRule()
    {
        var amperes = new ChargeSchedule([new(TimeSpan.Zero, 16)], null);

        var energy = amperes.EnergyKwh(TimeSpan.Zero, TimeSpan.FromHours(1), 22, a => a * 230 * 3 / 1000);

        Assert.Equal(11.04, energy, 9);
    }

    [Fact]
    public void Constructor_FirstPeriodNotAtZeroOrNotAscending_Refused()
    {
        Assert.Throws<ArgumentException>(() => new ChargeSchedule([new(TimeSpan.FromMinutes(1), 1)], null));
        Assert.Throws<ArgumentException>(() => new ChargeSchedule([new(TimeSpan.Zero, 1), new(TimeSpan.Zero, 2)], null));
        Assert.Throws<ArgumentException>(() => new ChargeSchedule([], null));
    }
}
