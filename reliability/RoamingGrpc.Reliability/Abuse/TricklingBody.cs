using System.Buffers.Binary;
using System.Net;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// The body of a unary call whose request message trickles in: the gRPC frame header announcing
/// <paramref name="length"/> bytes, then one byte every <paramref name="every"/> (a varint field's bytes, so that the
/// message would decode if it ever arrived in full).
/// </summary>
internal sealed class TricklingBody(int length, TimeSpan every) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        try
        {
            var header = new byte[5];
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)length);
            await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            for (var sent = 0; sent < length; sent++)
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(new byte[] { 0x08 }, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The server answered (or reset the stream) before the body was complete, and the HTTP client stops sending
            // it. What the call ended with is the response's status, which the caller reads; were the body's end
            // thrown from here, the client could report it instead of the answer when the two race.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
