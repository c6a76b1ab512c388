using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// Authorizes every call (see <see cref="CallerAuthorizer"/>), makes the caller's identity available to the
/// service through <see cref="CallerContext.Caller"/>, and opens a logging scope with the peer party, the method
/// and the request id.
/// </summary>
internal sealed class CallerInterceptor(CallerAuthorizer authorizer, ILogger<CallerInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Authorize(context);
        using var scope = BeginScope(caller, context, RequestIdOf(request));
        return await continuation(request, context).ConfigureAwait(false);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Authorize(context);
        using var scope = BeginScope(caller, context, null);
        return await continuation(requestStream, context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Authorize(context);
        using var scope = BeginScope(caller, context, RequestIdOf(request));
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Authorize(context);
        using var scope = BeginScope(caller, context, null);
        await continuation(requestStream, responseStream, context).ConfigureAwait(false);
    }

    private PartyIdentity Authorize(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var metadata = http.GetEndpoint()?.Metadata;
        var caller = authorizer.Authorize(http.Connection.ClientCertificate, metadata?.GetMetadata<CallersAttribute>(), context.Method);
        http.Items[CallerContext.ItemKey] = caller;
        return caller;
    }

    private IDisposable? BeginScope(PartyIdentity caller, ServerCallContext context, string? requestId) =>
        logger.BeginScope(new Dictionary<string, object?>
        {
            ["Peer"] = caller.ToString(),
            ["Method"] = context.Method,
            ["RequestId"] = requestId,
        });

    private static string? RequestIdOf<TRequest>(TRequest request) =>
        request is IMessage message
            && message.Descriptor.FindFieldByName("request_id") is { FieldType: Google.Protobuf.Reflection.FieldType.String } field
            ? field.Accessor.GetValue(message) as string
            : null;
}
