using System.Globalization;
using System.IO.Pipelines;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// Bounds what one partner can hold on the endpoint with calls, from the moment their headers arrive (before gRPC reads
/// the request, so before the interceptors run): the single request message of a unary or server-streaming call must
/// arrive within <c>Limits:RequestReceiveTimeout</c> (DEADLINE_EXCEEDED / REQUEST_TIMEOUT), and a partner may have at
/// most <c>Limits:MaxConcurrentCallsPerPartner</c> unary calls in progress (RESOURCE_EXHAUSTED / RATE_LIMITED).
/// Kestrel's minimum request data rate cannot do the first: for HTTP/2 it is averaged over the connection, so many
/// streams that each trickle a byte a second pass it. Streams are not counted against the second: they live long by
/// design and are bounded by their own protocol and <c>Limits:MaxStreamsPerConnection</c>. A refused call never
/// reaches a feature; the refusal is counted and logged through the <see cref="RefusalLog"/>.
/// </summary>
internal sealed partial class CallLimitsMiddleware(
    CallsInProgress calls,
    CallerNames callers,
    RefusalLog refusals,
    IOptions<LimitsOptions> limits,
    TimeProvider time,
    ILogger<CallLimitsMiddleware> logger) : IMiddleware
{
    /// <summary>The retry_after_ms hint of a call refused for the concurrency limit: calls take milliseconds, not seconds.</summary>
    public const int RetryAfterMilliseconds = 100;

    private readonly TimeSpan _receiveTimeout = limits.Value.RequestReceiveTimeout;
    private readonly int _maxCalls = limits.Value.MaxConcurrentCallsPerPartner;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is null || method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var caller = callers.Of(context.Connection.ClientCertificate);
        using var deadline = new CancellationTokenSource(_receiveTimeout, time);
        var body = context.Features.GetRequiredFeature<IRequestBodyPipeFeature>();
        context.Features.Set<IRequestBodyPipeFeature>(new BodyFeature(new ReceiveDeadlineReader(body.Reader, () => TimedOut(context, caller, method.FullName), deadline.Token)));
        if (method.Type != MethodType.Unary)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!calls.TryEnter(caller, _maxCalls))
        {
            context.Features.Set<IRequestBodyPipeFeature>(new BodyFeature(new RefusedBodyReader(body.Reader, TooManyCalls(context, caller, method.FullName))));
            await next(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            calls.Exit(caller);
        }
    }

    private RpcException TimedOut(HttpContext context, string caller, string method)
    {
        Refused(context, caller, method, RefusalReason.RequestTimedOut);
        var milliseconds = ((long)_receiveTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        return ErrorMapping.ToRpcException(RoamingErrors.Create(
            ErrorKind.DeadlineExceeded,
            ErrorReason.RequestTimeout,
            $"The request message did not arrive within {milliseconds} ms of the call's headers; the call was not processed. Send the message in one go; retrying with the same request_id is safe.",
            [new("timeout_ms", milliseconds)]));
    }

    private RpcException TooManyCalls(HttpContext context, string caller, string method)
    {
        Refused(context, caller, method, RefusalReason.TooManyCalls);
        var max = _maxCalls.ToString(CultureInfo.InvariantCulture);
        return ErrorMapping.ToRpcException(RoamingErrors.Create(
            ErrorKind.Exhausted,
            ErrorReason.RateLimited,
            $"{caller} has {max} unary calls in progress on this endpoint, as many as it admits per partner; retry once one of them has ended.",
            [new("max_concurrent_calls", max), new("retry_after_ms", RetryAfterMilliseconds.ToString(CultureInfo.InvariantCulture))]));
    }

    private void Refused(HttpContext context, string caller, string method, RefusalReason reason)
    {
        var source = SourceAddress.Of(context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None);
        if (refusals.Record(source, reason))
        {
            var name = reason.Name();
            Log.CallRefused(logger, method, caller, source, name, refusals.Interval);
        }
    }

    private sealed class BodyFeature(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader { get; } = reader;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Limits.CallRefused, Level = LogLevel.Warning, Message = "Call {Method} from {Caller} at {Source} refused: {Reason}; further refusals from this source are summarized every {Interval}")]
        public static partial void CallRefused(ILogger logger, string method, string caller, string source, string reason, TimeSpan interval);
    }
}
