using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;

namespace RoamingGrpc.Endpoint.Tests.Partners;

/// <summary>When a partner's failing calls make it unreachable, and what makes it reachable again (the endpoint clock is faked).</summary>
public sealed class ReachabilityTrackerTests
{
    private static readonly PartyIdentity Csp = PartyIdentity.Create(PartyRole.Csp, "DE-8EO");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero));
    private readonly List<PartyIdentity> _becameUnreachable = [];
    private readonly ReachabilityTracker _tracker;

    public ReachabilityTrackerTests()
    {
        var options = new HandshakeOptions { UnreachableAfter = TimeSpan.FromMinutes(15), UnreachableProbeInterval = TimeSpan.FromMinutes(5) };
        _tracker = new ReachabilityTracker(Options.Create(options), _clock, NullLogger<ReachabilityTracker>.Instance);
        _tracker.BecameUnreachable += _becameUnreachable.Add;
    }

    [Fact]
    public void Failed_ManyTimesWithinUnreachableAfter_FailingWithCountAndLastError()
    {
        for (var i = 0; i < 10; i++)
        {
            _tracker.Failed(Csp, "UNAVAILABLE", $"refused {i}", TimeSpan.FromSeconds(30));
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        var state = _tracker.Of(Csp);
        Assert.Equal(ReachabilityState.Failing, state.State);
        Assert.Equal(10, state.ConsecutiveFailures);
        Assert.Equal("refused 9", state.LastErrorMessage);
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 10, 0, 0, TimeSpan.Zero), state.FailingSinceTime);
        Assert.Equal(state.LastAttemptTime + TimeSpan.FromSeconds(30), state.NextAttemptTime);
        Assert.Empty(_becameUnreachable);
    }

    [Fact]
    public void Failed_ForUnreachableAfterButFewerThanThreeTimes_StillFailing()
    {
        _tracker.Failed(Csp, "UNAVAILABLE", "down", TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromHours(2));
        _tracker.Failed(Csp, "UNAVAILABLE", "down", TimeSpan.FromMinutes(1));

        Assert.Equal(ReachabilityState.Failing, _tracker.Of(Csp).State);
        Assert.Empty(_becameUnreachable);
    }

    [Fact]
    public void Failed_ForUnreachableAfter_UnreachableOnceWithNextProbe_ThenReviveGivesOneMoreTry_ThenSuccessClearsIt()
    {
        _tracker.Failed(Csp, "UNAVAILABLE", "down", TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(10));
        _tracker.Failed(Csp, "UNAVAILABLE", "down", TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(5));
        var third = _tracker.Failed(Csp, "DEADLINE_EXCEEDED", "slow", TimeSpan.FromMinutes(1));
        _tracker.Failed(Csp, "UNAVAILABLE", "still down", TimeSpan.FromMinutes(1));

        Assert.Equal(ReachabilityState.Unreachable, third.State);
        Assert.Equal([Csp], _becameUnreachable);
        Assert.True(_tracker.IsUnreachable(Csp));
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(5), _tracker.Of(Csp).NextAttemptTime);
        Assert.Equal([Csp], _tracker.Unreachable.Select(entry => entry.Partner));

        _tracker.Revive(Csp);
        Assert.Equal(ReachabilityState.Failing, _tracker.Of(Csp).State);
        Assert.Equal(4, _tracker.Of(Csp).ConsecutiveFailures);
        _tracker.Failed(Csp, "UNAVAILABLE", "down again", TimeSpan.FromMinutes(1));
        Assert.Equal(ReachabilityState.Unreachable, _tracker.Of(Csp).State);
        Assert.Equal([Csp, Csp], _becameUnreachable);

        _clock.Advance(TimeSpan.FromMinutes(5));
        _tracker.Succeeded(Csp);
        var reachable = _tracker.Of(Csp);
        Assert.Equal(ReachabilityState.Reachable, reachable.State);
        Assert.Equal((0, string.Empty, string.Empty), (reachable.ConsecutiveFailures, reachable.LastErrorCode, reachable.LastErrorMessage));
        Assert.Equal(_clock.GetUtcNow(), reachable.LastSuccessTime);
        Assert.Null(reachable.FailingSinceTime);
        Assert.Null(reachable.NextAttemptTime);
        Assert.Empty(_tracker.Unreachable);
    }

    [Fact]
    public void Revive_PartnerOnlyFailing_Unchanged()
    {
        var failing = _tracker.Failed(Csp, "UNAVAILABLE", "down", TimeSpan.FromMinutes(1));

        _tracker.Revive(Csp);

        Assert.Equal(failing, _tracker.Of(Csp));
        Assert.Equal(ReachabilityState.Unknown, _tracker.Of(PartyIdentity.Create(PartyRole.Csp, "NL-TNM")).State);
    }
}
