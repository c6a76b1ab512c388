namespace RoamingGrpc.Endpoint.Streams;

/// <summary>
/// Tells open streams that the durable log grew. Holds no events (streams read them from the database), only
/// a wake-up: waiters get a task that completes at the next <see cref="Notify"/>.
/// </summary>
public sealed class LogFeed
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every waiter (after a commit that appended to the log).</summary>
    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>A task that completes at the next notification.</summary>
    public Task Next => Volatile.Read(ref _next).Task;
}
