using RoamingGrpc.Domain.Maintenance;

namespace RoamingGrpc.Domain.Tests.Maintenance;

public sealed class MaintenanceTimelineTests
{
    private static readonly DateTimeOffset Start = new(2030, 5, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = Start.AddHours(4);

    public static TheoryData<int, bool, MaintenancePhase> Phases => new()
    {
        { -1, true, MaintenancePhase.Scheduled },
        { 0, true, MaintenancePhase.Active },
        { 239, true, MaintenancePhase.Active },
        { 240, true, MaintenancePhase.Ended },
        { 10_000, false, MaintenancePhase.Active },
        { -1, false, MaintenancePhase.Scheduled },
    };

    [Theory]
    [MemberData(nameof(Phases))]
    public void PhaseAt_MinutesAfterStart_FollowsStartAndEnd(int minutes, bool hasEnd, MaintenancePhase expected) =>
        Assert.Equal(expected, MaintenanceTimeline.PhaseAt(Start, hasEnd ? End : null, Start.AddMinutes(minutes)));

    [Fact]
    public void PhaseAt_EndNotAfterStart_Refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MaintenanceTimeline.PhaseAt(Start, Start, Start));

    [Fact]
    public void NextTransition_EachPhase_StartThenEndThenNothing()
    {
        Assert.Equal(Start, MaintenanceTimeline.NextTransition(MaintenancePhase.Scheduled, Start, End));
        Assert.Equal(End, MaintenanceTimeline.NextTransition(MaintenancePhase.Active, Start, End));
        Assert.Null(MaintenanceTimeline.NextTransition(MaintenancePhase.Active, Start, null));
        Assert.Null(MaintenanceTimeline.NextTransition(MaintenancePhase.Ended, Start, End));
        Assert.Null(MaintenanceTimeline.NextTransition(MaintenancePhase.Canceled, Start, End));
    }

    [Fact]
    public void EndedBy_BeforeOrAfterStart_CanceledOrEndedAndFinalStays()
    {
        Assert.Equal(MaintenancePhase.Canceled, MaintenanceTimeline.EndedBy(MaintenancePhase.Scheduled, Start, Start.AddSeconds(-1)));
        Assert.Equal(MaintenancePhase.Ended, MaintenanceTimeline.EndedBy(MaintenancePhase.Active, Start, Start.AddMinutes(5)));
        Assert.Equal(MaintenancePhase.Ended, MaintenanceTimeline.EndedBy(MaintenancePhase.Scheduled, Start, Start));
        Assert.Equal(MaintenancePhase.Canceled, MaintenanceTimeline.EndedBy(MaintenancePhase.Canceled, Start, End));
        Assert.Equal(MaintenancePhase.Ended, MaintenanceTimeline.EndedBy(MaintenancePhase.Ended, Start, Start.AddSeconds(-1)));
    }
}
