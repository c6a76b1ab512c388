using System.Collections.Frozen;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Mapping;

namespace RoamingGrpc.Endpoint.Errors;

/// <summary>
/// Builds the errors partners see: a status code with meaning, a message a partner can act on, and rich details
/// (<c>google.rpc.ErrorInfo</c> with an UPPER_SNAKE reason from <see cref="ErrorReason"/>, and
/// <c>google.rpc.BadRequest</c> field violations for INVALID_ARGUMENT).
/// </summary>
public static class RoamingErrors
{
    /// <summary>The ErrorInfo domain of every error this endpoint raises.</summary>
    public const string Domain = "roaming.roaminggrpc.dev";

    private const string ReasonPrefix = "ERROR_REASON_";

    // The proto value names (ERROR_REASON_STALE_CURSOR) with the prefix removed, read once from the generated enum.
    private static readonly FrozenDictionary<ErrorReason, string> ReasonNames = System.Enum.GetValues<ErrorReason>().ToFrozenDictionary(
        reason => reason,
        reason => ProtoEnumNames.Of(reason).Replace(ReasonPrefix, string.Empty, StringComparison.Ordinal));

    /// <summary>The ErrorInfo reason string of <paramref name="reason"/>, e.g. <c>INVALID_IDENTIFIER</c>.</summary>
    public static string ReasonName(ErrorReason reason) =>
        ReasonNames.TryGetValue(reason, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a declared error reason.");

    /// <summary>The canonical gRPC name of a status code, e.g. <c>PERMISSION_DENIED</c>.</summary>
    public static string StatusName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => code.ToString().ToUpperInvariant(),
    };

    /// <summary>An error with <paramref name="code"/>, an ErrorInfo and optional metadata.</summary>
    public static RpcException Create(
        StatusCode code,
        ErrorReason reason,
        string message,
        IEnumerable<KeyValuePair<string, string>>? metadata = null,
        BadRequest? badRequest = null)
    {
        var info = new ErrorInfo { Reason = ReasonName(reason), Domain = Domain };
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                info.Metadata[key] = value;
            }
        }

        var status = new Google.Rpc.Status { Code = (int)code, Message = message, Details = { Any.Pack(info) } };
        if (badRequest is not null)
        {
            status.Details.Add(Any.Pack(badRequest));
        }

        return status.ToRpcException();
    }

    /// <summary>INVALID_ARGUMENT naming the offending field (dotted path such as <c>caller.party_id</c>).</summary>
    public static RpcException InvalidField(string field, ErrorReason reason, string description) =>
        Create(
            StatusCode.InvalidArgument,
            reason,
            $"{field}: {description}",
            [new("field", field)],
            new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = field, Description = description } } });

    /// <summary>INVALID_ARGUMENT for a required field left empty.</summary>
    public static RpcException MissingField(string field) =>
        InvalidField(field, ErrorReason.MissingField, "is required");

    /// <summary>PERMISSION_DENIED: the caller is authenticated but may not do this.</summary>
    public static RpcException PermissionDenied(ErrorReason reason, string message) =>
        Create(StatusCode.PermissionDenied, reason, message);

    /// <summary>UNAUTHENTICATED: the caller's certificate no longer proves who it is.</summary>
    public static RpcException Unauthenticated(ErrorReason reason, string message) =>
        Create(StatusCode.Unauthenticated, reason, message);
}
