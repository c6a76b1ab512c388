using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>A request message the endpoint cannot decode: the caller learns what is wrong, the log does not fill up.</summary>
public sealed class MalformedMessageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    // GetPlatformInfo with raw bytes for a request: what a partner's broken (or hostile) encoder could send.
    private static readonly Method<byte[], byte[]> GetPlatformInfoBytes = new(
        MethodType.Unary,
        "roaminggrpc.roaming.v1.PlatformService",
        "GetPlatformInfo",
        Marshallers.Create(bytes => bytes, bytes => bytes),
        Marshallers.Create(bytes => bytes, bytes => bytes));

    [Fact]
    public async Task Call_MessageNestedDeeperThanTheLimit_InvalidArgumentMalformedMessageLoggedOnceWithoutError()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var calls = endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso).CreateCallInvoker();
        var nested = NestedGroups(200);

        var errors = new List<RpcException>();
        for (var i = 0; i < 20; i++)
        {
            errors.Add(await Assert.ThrowsAsync<RpcException>(async () =>
                await calls.AsyncUnaryCall(GetPlatformInfoBytes, null, new CallOptions(deadline: DateTime.UtcNow.Add(Deadline)), nested)));
        }

        // The same endpoint still decodes a well-formed request.
        var info = GetPlatformInfoResponse.Parser.ParseFrom(await calls.AsyncUnaryCall(
            GetPlatformInfoBytes, null, new CallOptions(deadline: DateTime.UtcNow.Add(Deadline)), new GetPlatformInfoRequest().ToByteArray()));

        Assert.All(errors, error => Assert.Equal(StatusCode.InvalidArgument, error.StatusCode));
        var detail = errors[0].GetRpcStatus()!.GetDetail<ErrorInfo>()!;
        Assert.Equal("MALFORMED_MESSAGE", detail.Reason);
        Assert.Equal(GetPlatformInfoRequest.Descriptor.FullName, detail.Metadata["message_type"]);
        Assert.Contains("nested deeper than 100 levels", errors[0].Status.Detail, StringComparison.Ordinal);
        Assert.Equal("DE*ABC", info.Platform.PartyId);
        // One warning for the twenty (the rest go to the per-source summary); no error log (the endpoints' disposal
        // fails the test on any) and so no stack trace.
        Assert.Single(endpoints.Cso.Log.Lines, line => line.Contains(GetPlatformInfoRequest.Descriptor.FullName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reflection_ListServices_GrpcOwnServicesBoundByTheDecodingBinderToo()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        var reflection = new global::Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(
            endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));

        using var call = reflection.ServerReflectionInfo(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new global::Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name).ToList();

        Assert.Contains("roaminggrpc.roaming.v1.PlatformService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    // An unknown field (number 1000) holding a group holding a group ... <paramref name="depth"/> deep: valid wire
    // format, which the decoder must walk level by level.
    private static byte[] NestedGroups(int depth)
    {
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        for (var level = 0; level < depth; level++)
        {
            output.WriteTag(1000, WireFormat.WireType.StartGroup);
        }

        for (var level = 0; level < depth; level++)
        {
            output.WriteTag(1000, WireFormat.WireType.EndGroup);
        }

        output.Flush();
        return bytes.ToArray();
    }
}
