using RoamingGrpc.Domain.Sessions;

namespace RoamingGrpc.Domain.Tests.Sessions;

public sealed class SessionLifecycleTests
{
    public static TheoryData<SessionPhase, SessionEvent, SessionPhase> Allowed => new()
    {
        { SessionPhase.Pending, SessionEvent.Started, SessionPhase.Active },
        { SessionPhase.Pending, SessionEvent.StartFailed, SessionPhase.Invalid },
        { SessionPhase.Active, SessionEvent.Suspended, SessionPhase.Active },
        { SessionPhase.Active, SessionEvent.Resumed, SessionPhase.Active },
        { SessionPhase.Active, SessionEvent.ChargingEnded, SessionPhase.Active },
        { SessionPhase.Active, SessionEvent.Stopped, SessionPhase.Completed },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Next_AllowedTransition_GivesTheNextState(SessionPhase from, SessionEvent sessionEvent, SessionPhase expected) =>
        Assert.Equal(expected, SessionLifecycle.Next(from, sessionEvent));

    [Fact]
    public void Next_EveryOtherPair_RefusedNamingStateAndEvent()
    {
        var allowed = Allowed.Select(row => ((SessionPhase)row[0], (SessionEvent)row[1])).ToHashSet();
        var refused = 0;
        foreach (var phase in Enum.GetValues<SessionPhase>())
        {
            foreach (var sessionEvent in Enum.GetValues<SessionEvent>().Where(e => !allowed.Contains((phase, e))))
            {
                var error = Assert.Throws<SessionTransitionException>(() => SessionLifecycle.Next(phase, sessionEvent));
                Assert.Equal((phase, sessionEvent), (error.Phase, error.Event));
                Assert.Contains(phase.ToString(), error.Message, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.Equal((5 * 6) - 6, refused);
    }

    [Fact]
    public void FinalStates_AcceptNoEventAndReleaseTheEvse()
    {
        foreach (var phase in new[] { SessionPhase.Completed, SessionPhase.Invalid })
        {
            Assert.True(SessionLifecycle.IsFinal(phase));
            Assert.False(SessionLifecycle.HoldsEvse(phase));
            Assert.All(Enum.GetValues<SessionEvent>(), e => Assert.Throws<SessionTransitionException>(() => SessionLifecycle.Next(phase, e)));
        }

        Assert.All([SessionPhase.Pending, SessionPhase.Active, SessionPhase.Reserved], phase => Assert.True(SessionLifecycle.HoldsEvse(phase)));
    }

    [Theory]
    [InlineData(SessionEvent.Started, SessionActivity.Charging)]
    [InlineData(SessionEvent.Resumed, SessionActivity.Charging)]
    [InlineData(SessionEvent.Suspended, SessionActivity.Parking)]
    [InlineData(SessionEvent.ChargingEnded, SessionActivity.Parking)]
    [InlineData(SessionEvent.Stopped, null)]
    [InlineData(SessionEvent.StartFailed, null)]
    public void ActivityAfter_Event_ChargingOrParkingTime(SessionEvent sessionEvent, SessionActivity? expected) =>
        Assert.Equal(expected, SessionLifecycle.ActivityAfter(sessionEvent));
}
