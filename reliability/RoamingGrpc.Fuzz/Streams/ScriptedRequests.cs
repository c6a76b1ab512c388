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
    /// Hands the next message (or the end of the stream) to the engine's reader, which usually processes it before this
    /// returns. Waits (bounded) until the reader asks. Not asking is no verdict: a reader that ended the stream (the
    /// engine refused a message as a protocol violation, on a thread of its own) never asks again, and the engine notices
    /// only after this returns. An engine that stops reading and does not end the call is caught by the bound on the
    /// whole run.
    /// </summary>
    public void Release()
    {
        if (Exhausted || !_asking.Wait(TimeSpan.FromSeconds(10)))
        {
            return;
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
                // The transport fails the read and the call with it: nothing is read after a message that is not one.
                hasMessage = false;
                failure = ex;
                Exhausted = true;
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
