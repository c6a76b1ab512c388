using System.Net;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>
/// The body of a unary call whose request message (an empty one) has been sent but not ended: the call stays in
/// progress on the server until <see cref="Release"/> ends the body.
/// </summary>
public sealed class HeldRequest : HttpContent
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Ends the request body: the call goes on to the service.</summary>
    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(new byte[5], cancellationToken); // uncompressed, length 0: an empty message
        await stream.FlushAsync(cancellationToken);
        await _release.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
