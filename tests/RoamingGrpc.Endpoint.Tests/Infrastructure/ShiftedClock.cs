namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>
/// The system clock moved forward on demand, for an endpoint whose time-driven behaviour a test must see without
/// waiting (e.g. a maintenance notice taking effect at its start). Only <see cref="GetUtcNow"/> moves: timers and delays
/// keep real time, so every background service of the endpoint keeps running (a frozen FakeTimeProvider would stop
/// the outbox relay, the sweeps and the stream heartbeats that the same test relies on).
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    /// <summary>How far ahead of the system clock this clock is.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    /// <summary>Moves the clock forward by <paramref name="by"/>.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
