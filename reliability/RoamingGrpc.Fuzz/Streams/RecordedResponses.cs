using Grpc.Core;

namespace RoamingGrpc.Fuzz.Streams;

/// <summary>The stream engine's response side: keeps what it wrote, in order.</summary>
internal sealed class RecordedResponses<T> : IServerStreamWriter<T>
{
    private readonly Lock _gate = new();
    private readonly List<T> _written = [];

    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Called with each message as it is written.</summary>
    public Action<T> OnWrite { get; set; } = _ => { };

    public IReadOnlyList<T> Written
    {
        get
        {
            lock (_gate)
            {
                return [.. _written];
            }
        }
    }

    public Task WriteAsync(T message)
    {
        lock (_gate)
        {
            _written.Add(message);
        }

        OnWrite(message);
        return Task.CompletedTask;
    }

    public Task WriteAsync(T message, CancellationToken cancellationToken) => WriteAsync(message);
}
