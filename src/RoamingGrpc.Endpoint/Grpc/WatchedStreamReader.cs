using Grpc.Core;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// The request stream of a long-lived call: a read waiting for the caller's next message also ends when the caller is
/// refused, whether or not the service passed a token (library services such as reflection read without one).
/// </summary>
internal sealed class WatchedStreamReader<T>(IAsyncStreamReader<T> inner, CallerWatch watch) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return await inner.MoveNext(watch.Token).ConfigureAwait(false);
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watch.Token);
        return await inner.MoveNext(either.Token).ConfigureAwait(false);
    }
}
