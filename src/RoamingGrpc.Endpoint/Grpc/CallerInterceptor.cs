using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// Authorizes every call (see <see cref="CallerAuthorizer"/>), makes the caller's identity available to the
/// service through <see cref="CallerContext.Caller"/>, and opens a logging scope with the peer party, the method
/// and the request id.
/// <para>
/// A streaming call (every long-lived one) is also authorized while it runs: its caller is kept under watch
/// (<see cref="CallerWatches"/>), and the service gets a context whose cancellation token, and request and response
/// streams, end when the caller would no longer be admitted to a new call; the call then ends with that refusal
/// (UNAUTHENTICATED / CERTIFICATE_REVOKED, CERTIFICATE_INVALID), however the service ended it. One mechanism for every
/// stream, our services' and the libraries' (health Watch, reflection).
/// </para>
/// </summary>
internal sealed class CallerInterceptor(CallerAuthorizer authorizer, CallerWatches watches, ILogger<CallerInterceptor> logger) : Interceptor
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
        return await WatchedAsync(context, caller, (watched, watch) =>
            continuation(watch is null ? requestStream : new WatchedStreamReader<TRequest>(requestStream, watch), watched)).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Authorize(context);
        using var scope = BeginScope(caller, context, RequestIdOf(request));
        await WatchedAsync(context, caller, async (watched, watch) =>
        {
            await continuation(request, watch is null ? responseStream : new WatchedStreamWriter<TResponse>(responseStream, watch), watched).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Authorize(context);
        using var scope = BeginScope(caller, context, null);
        await WatchedAsync(context, caller, async (watched, watch) =>
        {
            await continuation(
                watch is null ? requestStream : new WatchedStreamReader<TRequest>(requestStream, watch),
                watch is null ? responseStream : new WatchedStreamWriter<TResponse>(responseStream, watch),
                watched).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    // The caller, or null for a call on the loopback health listener (no certificate; the health service only).
    private PartyIdentity? Authorize(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (HealthListener.Serves(http))
        {
            return context.Method.StartsWith(HealthListener.ServicePath, StringComparison.Ordinal)
                ? null
                : throw RoamingErrors.Unauthenticated(ErrorReason.CertificateInvalid, $"{context.Method} is not served on the health listener.");
        }

        var caller = authorizer.Authorize(http.Connection.ClientCertificate, CallersOf(http), context.Method);
        http.Items[CallerContext.ItemKey] = caller;
        return caller;
    }

    // Runs a streaming call with its caller under watch; a refused caller ends the call with the refusal.
    private async Task<T> WatchedAsync<T>(ServerCallContext context, PartyIdentity? caller, Func<ServerCallContext, CallerWatch?, Task<T>> call)
    {
        if (caller is null)
        {
            return await call(context, null).ConfigureAwait(false);
        }

        var http = context.GetHttpContext();
        using var watch = watches.Watch(http.Connection.ClientCertificate!, CallersOf(http), context.Method, caller);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, watch.Token);
        T result;
        try
        {
            result = await call(new WatchedCallContext(context, cancellation.Token), watch).ConfigureAwait(false);
        }
        catch (Exception) when (watch.Refusal is not null)
        {
            // The refusal cancelled the call, which surfaces as whatever the service made of its cancellation (an
            // OperationCanceledException, a cancelled read or write): the refusal is why the call ended.
            throw watch.Refusal;
        }

        // A service may end quietly when its token is cancelled (as when the caller leaves): a refused caller still
        // learns why.
        watch.ThrowIfRefused();
        return result;
    }

    private static CallersAttribute? CallersOf(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<CallersAttribute>();

    private IDisposable? BeginScope(PartyIdentity? caller, ServerCallContext context, string? requestId) =>
        logger.BeginScope(new Dictionary<string, object?>
        {
            ["Peer"] = caller?.ToString() ?? "health listener",
            ["Method"] = context.Method,
            ["RequestId"] = requestId,
        });

    private static string? RequestIdOf<TRequest>(TRequest request) =>
        request is IMessage message
            && message.Descriptor.FindFieldByName("request_id") is { FieldType: Google.Protobuf.Reflection.FieldType.String } field
            ? field.Accessor.GetValue(message) as string
            : null;
}
