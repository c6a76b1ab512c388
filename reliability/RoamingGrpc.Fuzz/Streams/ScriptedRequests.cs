using Grpc.Core;

namespace RoamingGrpc.Fuzz.Streams;

/// <summary>
/// A consumer's message stream for the stream engine, released one message at a time by <see cref="Release"/> (the
/// <see cref="LockstepClock"/> calls it when the engine is about to wait). The first message is there at once, as a
/// consumer opens with its start. A message that is not protobuf fails the read the way the transport's deserializer
/// fails it.
/// </summary>
internal sealed class ScriptedRequests<T>(IReadOnlyList<Func<T>> messages) : IAsyncStreamReader<T>, IDisposable
    where T : class
{
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _asking = new(false);
    private TaskCompletionSource<bool>? _pending;
    private int _next;
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("No message was read.");

    /// <summary>Every message was handed out (and the end of the stream too).</summary>
    public bool Exhausted { get; private set; }

    /// <summary>The messages handed out so far.</summary>
    public int Delivered => _next;

    /// <summary>Called with each message right before the engine gets it.</summary>
    public Action<T> OnDeliver { get; set; } = _ => { };

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_next == 0)
            {
                return Task.FromResult(Take());
            }

            _pending = new TaskCompletionSource<bool>(); // continuations run inline: the engine reads the message in Release
            _asking.Set();
            return _pending.Task;
        }
    }

    /// <summary>
    /// Hands the next message (or the end of the stream) to the engine's reader, which processes it before this returns.
    /// Waits (bounded) until the reader asks; false when it never did, which the caller treats as a hang.
    /// </summary>
    public bool Release()
    {
        if (Exhausted)
        {
            return true;
        }

        if (!_asking.Wait(TimeSpan.FromSeconds(10)))
        {
            return false;
        }

        TaskCompletionSource<bool> pending;
        bool hasMessage;
        Exception? failure = null;
        lock (_gate)
        {
            _asking.Reset();
            pending = _pending!;
            _pending = null;
            try
            {
                hasMessage = Take();
            }
            catch (Google.Protobuf.InvalidProtocolBufferException ex)
            {
                hasMessage = false;
                failure = ex;
            }
        }

        if (failure is not null)
        {
            pending.SetException(failure);
        }
        else
        {
            pending.SetResult(hasMessage);
        }

        return true;
    }

    /// <summary>Ends a read still waiting after the call is over (as the transport ends it when the call completes).</summary>
    public void Close()
    {
        TaskCompletionSource<bool>? pending;
        lock (_gate)
        {
            pending = _pending;
            _pending = null;
            Exhausted = true;
        }

        pending?.TrySetResult(false);
    }

    public void Dispose() => _asking.Dispose();

    private bool Take()
    {
        if (_next >= messages.Count)
        {
            Exhausted = true;
            return false;
        }

        var message = messages[_next++](); // parses the message: may throw InvalidProtocolBufferException
        _current = message;
        OnDeliver(message);
        return true;
    }
}
