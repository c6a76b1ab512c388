namespace RoamingGrpc.Fuzz.Streams;

/// <summary>
/// The stream engine's clock in the stream target, stepping in lockstep with the consumer's messages so that every run
/// of an input takes the same path. The engine makes a timer only right before it waits (for an ack, a new log entry,
/// the heartbeat, a held event or a nack's redelivery backoff); at that moment the clock lets the consumer send its
/// next message (<see cref="BeforeWait"/>), then lets the whole wait pass: time jumps by the timer's due time and the
/// timer fires. So each message arrives at the end of a wait, heartbeats and the ack timeout happen at fixed points of
/// the message sequence, and nothing depends on how fast the machine is.
/// </summary>
internal sealed class LockstepClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    /// <summary>Called on the engine's thread right before it waits.</summary>
    public Action BeforeWait { get; set; } = () => { };

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        BeforeWait();
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (_gate)
            {
                _now += dueTime;
            }
        }

        // Fired once, after the caller has set up its wait (Task.Delay registers the timer before it is awaited).
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => callback(state), null);
        }

        return new FiredTimer();
    }

    private sealed class FiredTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
