using System.Buffers.Binary;
using System.Net;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>
/// The body of a unary call whose request message trickles in: a header announcing <paramref name="length"/> bytes,
/// then one byte every <paramref name="every"/>. <see cref="Ended"/> completes when it stops sending, with true when the
/// server cut it off before the message was complete.
/// </summary>
public sealed class TricklingRequest(int length, TimeSpan every) : HttpContent
{
    private readonly TaskCompletionSource<bool> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when the body was cut off by the server (or the client) before all of it was sent.</summary>
    public Task<bool> Ended => _ended.Task;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        try
        {
            var header = new byte[5];
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)length);
            await stream.WriteAsync(header, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            for (var sent = 0; sent < length; sent++)
            {
                await Task.Delay(every, cancellationToken);
                await stream.WriteAsync(new byte[] { 0x08 }, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            _ended.TrySetResult(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or HttpRequestException or ObjectDisposedException)
        {
            _ended.TrySetResult(true);
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
