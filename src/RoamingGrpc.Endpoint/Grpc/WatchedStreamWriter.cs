using Grpc.Core;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// The response stream of a long-lived call: nothing more is written to a caller once it is refused, whether or not
/// the service observes the call's token, and a write without a token of its own waits no longer than the watch.
/// </summary>
internal sealed class WatchedStreamWriter<T>(IServerStreamWriter<T> inner, CallerWatch watch) : IServerStreamWriter<T>
{
    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(T message) => WriteAsync(message, CancellationToken.None);

    public Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        watch.Token.ThrowIfCancellationRequested();
        return inner.WriteAsync(message, cancellationToken.CanBeCanceled ? cancellationToken : watch.Token);
    }
}
