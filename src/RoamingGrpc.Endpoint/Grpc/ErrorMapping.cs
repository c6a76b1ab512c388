using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// The one place where domain errors meet gRPC: a <see cref="RoamingException"/> becomes a status with its code,
/// message, <c>google.rpc.ErrorInfo</c> (reason and metadata) and, for invalid input, <c>google.rpc.BadRequest</c>;
/// and, for the partner clients, a partner's status becomes an <see cref="ErrorKind"/> again.
/// </summary>
internal static class ErrorMapping
{
    /// <summary>The status a partner sees for <paramref name="error"/>.</summary>
    public static RpcException ToRpcException(RoamingException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var info = new ErrorInfo { Reason = RoamingErrors.ReasonName(error.Reason), Domain = RoamingErrors.Domain };
        foreach (var (key, value) in error.Metadata)
        {
            info.Metadata[key] = value;
        }

        var status = new Google.Rpc.Status { Code = (int)CodeOf(error.Kind), Message = error.Message, Details = { Any.Pack(info) } };
        if (error.Field is { } field)
        {
            status.Details.Add(Any.Pack(new BadRequest
            {
                FieldViolations = { new BadRequest.Types.FieldViolation { Field = field.Field, Description = field.Description } },
            }));
        }

        return status.ToRpcException();
    }

    /// <summary>The status code of an error kind.</summary>
    public static StatusCode CodeOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => StatusCode.InvalidArgument,
        ErrorKind.NotFound => StatusCode.NotFound,
        ErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        ErrorKind.WrongState => StatusCode.FailedPrecondition,
        ErrorKind.Conflict => StatusCode.Aborted,
        ErrorKind.OutOfRange => StatusCode.OutOfRange,
        ErrorKind.Forbidden => StatusCode.PermissionDenied,
        ErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        ErrorKind.Exhausted => StatusCode.ResourceExhausted,
        ErrorKind.Unavailable => StatusCode.Unavailable,
        ErrorKind.NotLive => StatusCode.Unimplemented,
        ErrorKind.DeadlineExceeded => StatusCode.DeadlineExceeded,
        ErrorKind.Cancelled => StatusCode.Cancelled,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an error kind."),
    };

    /// <summary>
    /// The kind of a partner's status, for relaying its refusal; null for codes that say the call itself failed
    /// (UNKNOWN, INTERNAL, DATA_LOSS, OK), which the caller treats as the partner being unavailable.
    /// </summary>
    public static ErrorKind? KindOf(StatusCode code) => code switch
    {
        StatusCode.InvalidArgument => ErrorKind.InvalidArgument,
        StatusCode.NotFound => ErrorKind.NotFound,
        StatusCode.AlreadyExists => ErrorKind.AlreadyExists,
        StatusCode.FailedPrecondition => ErrorKind.WrongState,
        StatusCode.Aborted => ErrorKind.Conflict,
        StatusCode.OutOfRange => ErrorKind.OutOfRange,
        StatusCode.PermissionDenied => ErrorKind.Forbidden,
        StatusCode.Unauthenticated => ErrorKind.Unauthenticated,
        StatusCode.ResourceExhausted => ErrorKind.Exhausted,
        StatusCode.Unavailable => ErrorKind.Unavailable,
        StatusCode.Unimplemented => ErrorKind.NotLive,
        StatusCode.DeadlineExceeded => ErrorKind.DeadlineExceeded,
        StatusCode.Cancelled => ErrorKind.Cancelled,
        _ => null,
    };

    /// <summary>The ErrorInfo reason of a partner's error, or null when it sent none.</summary>
    public static string? ReasonOf(RpcException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;
    }

    /// <summary>The canonical name of a status code, e.g. <c>PERMISSION_DENIED</c> (metrics, handshake results).</summary>
    public static string StatusName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unknown => "UNKNOWN",
        StatusCode.DataLoss => "DATA_LOSS",
        _ when KindOf(code) is { } kind => RoamingErrors.CodeName(kind),
        _ => code.ToString().ToUpperInvariant(),
    };
}
