using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Endpoint.Idempotency;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>The gRPC side of once-per-request-id calls: the caller and the method are the call's own.</summary>
internal static class OnceCalls
{
    /// <summary>
    /// Runs the call's <paramref name="mutation"/> once for its caller, method and <paramref name="requestId"/> (see
    /// <see cref="IdempotentWriter.ExecuteAsync"/>): a retry gets the first response.
    /// </summary>
    public static Task<TResponse> OnceAsync<TRequest, TResponse>(
        this IdempotentWriter writer,
        ServerCallContext context,
        string requestId,
        TRequest request,
        MessageParser<TResponse> parser,
        Func<WriteContext, TResponse> mutation)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(context);
        return writer.ExecuteAsync(context.Caller(), context.Method, requestId, request, parser, mutation, context.CancellationToken);
    }
}
