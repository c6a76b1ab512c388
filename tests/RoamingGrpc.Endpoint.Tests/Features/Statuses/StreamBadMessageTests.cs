using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Features.Platform;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Statuses;

/// <summary>
/// A consumer message on a resumable stream (WatchEvseStatus, WatchChargingInfo) that is not the RPC's request message
/// is refused like any undecodable request (INVALID_ARGUMENT, MALFORMED_MESSAGE naming the request type, by the
/// decoding service binder), whether it comes first or after the start: not the consumer ending the stream (CANCELLED),
/// which is what the stream engine answered before (found by the streams fuzz target, which runs the engine without the
/// binder: there the engine answers STREAM_PROTOCOL_VIOLATION, reliability/fuzz/regressions/streams).
/// </summary>
public sealed class StreamBadMessageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // Not protobuf: a field with tag 0.
    private static readonly byte[] NotAMessage = [0x00, 0x02];

    // Both reads of the engine (the start, then acks and nacks), one per RPC.
    public static TheoryData<string, string, bool> Cases => new()
    {
        { EvseStatusService.Descriptor.FullName, "WatchEvseStatus", false },
        { ChargingService.Descriptor.FullName, "WatchChargingInfo", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Watch_MessageThatIsNotTheRequest_InvalidArgumentMalformedMessage(string service, string rpc, bool afterStart)
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var invoker = endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso).CreateCallInvoker();
        var bytes = Marshallers.Create<byte[]>(message => message, message => message);
        var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, service, rpc, bytes, bytes);
        using var call = invoker.AsyncDuplexStreamingCall(method, null, new CallOptions(deadline: DateTime.UtcNow.Add(Deadline)));
        if (afterStart)
        {
            IMessage start = rpc == "WatchEvseStatus"
                ? new WatchEvseStatusRequest { Start = new WatchEvseStatusStart() }
                : new WatchChargingInfoRequest { Start = new WatchChargingInfoStart() };
            await call.RequestStream.WriteAsync(start.ToByteArray());
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None)); // opened
        }

        await call.RequestStream.WriteAsync(NotAMessage);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                // a snapshot or heartbeat sent before the endpoint read the bad message
            }
        });

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("MALFORMED_MESSAGE", HandshakeTests.ReasonOf(error));
        Assert.Contains($"not a valid roaminggrpc.roaming.v1.{rpc}Request", error.Status.Detail, StringComparison.Ordinal);
    }
}
