namespace RoamingGrpc.Storage;

/// <summary>
/// The one commit notifier: after a write transaction commits, it wakes whoever waits for what the transaction
/// changed (as the stores marked it, <see cref="StoreChanges"/>). It holds no data, only wake-ups: a waiter takes
/// <see cref="Next"/> before it reads, so that nothing committed between its read and its wait is missed.
/// </summary>
public sealed class CommitNotifier
{
    private static readonly StoreChanges[] Kinds = [.. Enum.GetValues<StoreChanges>().Where(change => change != StoreChanges.None)];
    private readonly TaskCompletionSource[] _next = [.. Kinds.Select(_ => NewSource())];

    /// <summary>A task that completes at the next commit that changed <paramref name="change"/> (a single flag).</summary>
    public Task Next(StoreChanges change) => Volatile.Read(ref _next[IndexOf(change)]).Task;

    /// <summary>Wakes the waiters of every change in <paramref name="changes"/>; called after the commit.</summary>
    public void Committed(StoreChanges changes)
    {
        for (var i = 0; i < Kinds.Length; i++)
        {
            if ((changes & Kinds[i]) != 0)
            {
                Interlocked.Exchange(ref _next[i], NewSource()).TrySetResult();
            }
        }
    }

    private static int IndexOf(StoreChanges change)
    {
        var index = Array.IndexOf(Kinds, change);
        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(change), change, "Wait for one kind of change at a time.");
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
