using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Interceptors;

/// <summary>
/// The one place exceptions become statuses. <see cref="RpcException"/>s raised on purpose pass through; a
/// cancelled call stays cancelled; storage that cannot write is UNAVAILABLE; anything else is logged once and answered as INTERNAL without internals.
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
        catch (Exception ex) when (IsUnexpected(ex, context))
        {
            throw Internal(ex, context);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnexpected(ex, context))
        {
            throw Internal(ex, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnexpected(ex, context))
        {
            throw Internal(ex, context);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnexpected(ex, context))
        {
            throw Internal(ex, context);
        }
    }

    private static bool IsUnexpected(Exception exception, ServerCallContext context) =>
        (exception is not RpcException || IsGeneratedUnimplemented(exception))
        && !(exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested);

    // The generated service base answers RPCs that a partially live service does not override with an empty
    // UNIMPLEMENTED; partners get the contract's reason instead.
    private static bool IsGeneratedUnimplemented(Exception exception) =>
        exception is RpcException { StatusCode: StatusCode.Unimplemented } rpc && rpc.Status.Detail.Length == 0;

    private RpcException Internal(Exception exception, ServerCallContext context)
    {
        if (IsGeneratedUnimplemented(exception))
        {
            return RoamingErrors.Create(
                StatusCode.Unimplemented,
                ErrorReason.UseCaseNotLive,
                $"{context.Method} is part of contract v1 but not live on this endpoint version; see GetPlatformInfo for the live use cases.");
        }

        if (exception is StorageUnavailableException)
        {
            // Shutting down, or storage lost: transient from the caller's point of view; the cause is logged by storage.
            return new RpcException(new Status(StatusCode.Unavailable, "The endpoint cannot store data right now; retry later."));
        }

        var reference = context.GetHttpContext().TraceIdentifier;
        Log.Unexpected(logger, context.Method, reference, exception);
        return new RpcException(new Status(StatusCode.Internal, $"Internal error (reference {reference})."));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Error, Message = "Unexpected failure in {Method} (reference {Reference})")]
        public static partial void Unexpected(ILogger logger, string method, string reference, Exception exception);
    }
}
