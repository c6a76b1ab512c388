using Grpc.Core;
using Microsoft.Extensions.Hosting;

namespace RoamingGrpc.Endpoint.Streams;

/// <summary>
/// How a long-lived stream RPC ends when the endpoint stops: it is cancelled with the host's shutdown (so shutdown
/// does not wait for it) and ends with UNAVAILABLE, which tells consumers to reconnect with their cursor.
/// </summary>
internal static class StreamLifetime
{
    /// <summary>Runs <paramref name="stream"/> with a token cancelled by the call or the host's shutdown.</summary>
    public static async Task RunAsync(ServerCallContext context, IHostApplicationLifetime lifetime, Func<CancellationToken, Task> stream)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await stream(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The endpoint is shutting down; resume after your last applied sequence."));
        }
    }
}
