using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// The answer to a request message that cannot be decoded (malformed protobuf, nesting past the parser's limit of 100):
/// INVALID_ARGUMENT / MALFORMED_MESSAGE naming the expected type, counted and logged once per source through the
/// <see cref="RefusalLog"/> (a warning without a stack trace: the fault is the caller's). gRPC decodes the request before
/// the interceptors run and reports any other exception of the decoder as UNKNOWN with an error log, so
/// <see cref="DecodingServiceBinder{TService}"/> calls this from the decoder itself.
/// </summary>
internal sealed partial class MalformedMessages(RefusalLog refusals, CallerNames callers, IHttpContextAccessor http, ILogger<MalformedMessages> logger)
{
    /// <summary>The protobuf library's own limit of nested messages (<c>CodedInputStream.DefaultRecursionLimit</c>).</summary>
    public const int NestingLimit = 100;

    /// <summary>The status for a <paramref name="messageType"/> request of <paramref name="method"/> that failed to decode.</summary>
    public RpcException Refuse(string method, string messageType, InvalidProtocolBufferException problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var context = http.HttpContext;
        var source = SourceAddress.Of(context?.Connection.RemoteIpAddress ?? System.Net.IPAddress.None);
        var caller = callers.Of(context?.Connection.ClientCertificate);
        var why = problem.Message.Contains("nesting", StringComparison.OrdinalIgnoreCase)
            ? $"messages nested deeper than {NestingLimit} levels"
            : "not decodable as protobuf";
        if (refusals.Record(source, RefusalReason.MalformedMessage))
        {
            Log.Malformed(logger, method, caller, source, messageType, why, refusals.Interval);
        }

        return ErrorMapping.ToRpcException(RoamingErrors.Create(
            ErrorKind.InvalidArgument,
            ErrorReason.MalformedMessage,
            $"The request is not a valid {messageType}: {why}. Fix the encoding; do not retry the message as it is.",
            [new("message_type", messageType)]));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Limits.MalformedMessage, Level = LogLevel.Warning, Message = "Call {Method} from {Caller} at {Source} refused: the request is not a valid {MessageType} ({Problem}); further refusals from this source are summarized every {Interval}")]
        public static partial void Malformed(ILogger logger, string method, string caller, string source, string messageType, string problem, TimeSpan interval);
    }
}
