using System.Reflection;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Fuzz.Requests;

/// <summary>
/// Every unary RPC of the contract, called over mutual TLS on the endpoint that serves it (<see cref="FuzzNetwork"/>),
/// as the partner or back office its service admits: the request bytes go through gRPC's deserialization, the caller
/// check, the feature's validation and, when valid, the handler itself. Input: the endpoint's role and the RPC's method name
/// (e.g. <c>cso/UpsertSite</c>), a newline, the request message. Bytes that are not the request message are the typed refusal
/// <see cref="InvalidProtocolBufferException"/> (checked before sending); a call must end OK or with a status the error
/// model gives (INVALID_ARGUMENT, NOT_FOUND, ...). INTERNAL or UNKNOWN is a crash, reported with the server's exception;
/// a call that does not end within 30 s is a hang.
/// </summary>
internal sealed class RequestTarget : FuzzTarget
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);
    private readonly FuzzNetwork _network;
    private readonly Dictionary<string, Rpc> _rpcs;

    public RequestTarget(FuzzNetwork network)
    {
        _network = network;
        _rpcs = Discover(network);
    }

    public override string Name => "requests";

    /// <summary>The RPCs this target calls (<c>cso/UpsertSite</c>), in order.</summary>
    public IReadOnlyList<string> Methods => [.. _rpcs.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The input calling <paramref name="rpc"/> (<c>cso/UpsertSite</c>) with <paramref name="request"/>.</summary>
    public static byte[] Input(string rpc, IMessage request) => [.. Encoding.ASCII.GetBytes(rpc + "\n"), .. request.ToByteArray()];

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        var newline = input[..Math.Min(input.Length, 64)].IndexOf((byte)'\n');
        if (newline < 0 || !_rpcs.TryGetValue(Encoding.ASCII.GetString(input[..newline]), out var rpc))
        {
            return FuzzOutcome.Refused("no method of the contract named");
        }

        var body = input[(newline + 1)..].ToArray();
        try
        {
            rpc.RequestParser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return FuzzOutcome.Refused(ex);
        }

        _network.Errors.Clear();
        try
        {
            rpc.Invoker.BlockingUnaryCall(rpc.Method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), body);
            return FuzzOutcome.Success(rpc.Method.FullName);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Internal or StatusCode.Unknown or StatusCode.DataLoss)
        {
            var cause = _network.Errors.TakeUnexpected();
            throw new ContractViolationException($"{rpc.Method.FullName} answered {ex.StatusCode}: {ex.Status.Detail}", cause ?? ex);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded && ex.Status.Detail == "Deadline Exceeded")
        {
            throw new ContractViolationException($"{rpc.Method.FullName} did not answer within 30 s", ex);
        }
        catch (RpcException ex)
        {
            return FuzzOutcome.Refused($"{rpc.Method.FullName} {ex.StatusCode}: {ex.Status.Detail}");
        }
    }

    // The unary RPCs each endpoint maps, with the channel of the caller their service admits.
    private static Dictionary<string, Rpc> Discover(FuzzNetwork network)
    {
        var parsers = typeof(SiteService).Assembly.GetTypes()
            .Select(type => type.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
            .Where(property => property?.PropertyType == typeof(FileDescriptor))
            .SelectMany(property => ((FileDescriptor)property!.GetValue(null)!).Services)
            .SelectMany(service => service.Methods)
            .ToDictionary(method => $"{method.Service.FullName}/{method.Name}", method => method.InputType.Parser, StringComparer.Ordinal);
        var rpcs = new Dictionary<string, Rpc>(StringComparer.Ordinal);
        foreach (var (role, app, channels) in new[] { ("cso", network.Cso, network.CsoChannels), ("csp", network.Csp, network.CspChannels) })
        {
            foreach (var endpoint in ((IEndpointRouteBuilder)app).DataSources.SelectMany(source => source.Endpoints))
            {
                if (endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is not { Method: { Type: MethodType.Unary } method }
                    || !parsers.TryGetValue(method.FullName.TrimStart('/'), out var parser))
                {
                    continue; // streams (the stream target's), health and reflection
                }

                var channel = endpoint.Metadata.GetMetadata<CallersAttribute>()?.Policy == CallerPolicy.OwnBackoffice ? channels.Backoffice : channels.Partner;
                if (!rpcs.TryAdd($"{role}/{method.Name}", new Rpc(new Method<byte[], byte[]>(MethodType.Unary, method.ServiceName, method.Name, Bytes, Bytes), parser, channel.CreateCallInvoker())))
                {
                    throw new InvalidOperationException($"The {role} endpoint serves two RPCs named {method.Name}: inputs name RPCs by endpoint and method name, so it must be unique.");
                }
            }
        }

        return rpcs;
    }

    private sealed record Rpc(Method<byte[], byte[]> Method, MessageParser RequestParser, CallInvoker Invoker);
}
