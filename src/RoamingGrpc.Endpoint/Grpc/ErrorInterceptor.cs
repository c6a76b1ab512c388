using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// The one place exceptions become statuses: a <see cref="RoamingException"/> (a typed refusal of the features) is
/// mapped by <see cref="ErrorMapping"/>; a cancelled call stays cancelled; storage that cannot write is UNAVAILABLE; a
/// contract RPC this build does not serve is UNIMPLEMENTED / USE_CASE_NOT_LIVE; anything else is logged once and
/// answered as INTERNAL without internals.
/// </summary>
internal sealed partial class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (NeedsMapping(ex, context))
        {
            throw Map(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (NeedsMapping(ex, context))
        {
            throw Map(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (NeedsMapping(ex, context))
        {
            throw Map(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (NeedsMapping(ex, context))
        {
            throw Map(ex, context);
        }
    }

    // RpcExceptions raised at the edge itself (stream lifetimes) pass through, except the generated UNIMPLEMENTED.
    private static bool NeedsMapping(Exception exception, ServerCallContext context) =>
        (exception is not RpcException || IsGeneratedUnimplemented(exception))
        && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested);

    // The generated service base answers RPCs that a service does not override with an empty UNIMPLEMENTED; partners
    // get the contract's reason instead.
    private static bool IsGeneratedUnimplemented(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unimplemented } rpc && rpc.Status.Detail.Length == 0;

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case RoamingException refusal:
                return ErrorMapping.ToRpcException(refusal);
            case RpcException when IsGeneratedUnimplemented(exception):
                return ErrorMapping.ToRpcException(RoamingErrors.Create(
                    ErrorKind.NotLive,
                    ErrorReason.UseCaseNotLive,
                    $"{context.Method} is part of contract v1 but not live on this endpoint version; see GetPlatformInfo for the live use cases."));
            case StorageUnavailableException:
                // Shutting down, or storage lost: transient from the caller's point of view; the cause is logged by storage.
                return new RpcException(new Status(StatusCode.Unavailable, "The endpoint cannot store data right now; retry later."));
            default:
                var reference = context.GetHttpContext().TraceIdentifier;
                Log.Unexpected(logger, context.Method, reference, exception);
                return new RpcException(new Status(StatusCode.Internal, $"Internal error (reference {reference})."));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Calls.Unexpected, Level = LogLevel.Error, Message = "Unexpected failure in {Method} (reference {Reference})")]
        public static partial void Unexpected(ILogger logger, string method, string reference, Exception exception);
    }
}
