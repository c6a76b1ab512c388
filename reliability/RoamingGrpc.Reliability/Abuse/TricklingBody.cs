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

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
