using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;

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

    /// <summary>The ErrorInfo reason string of <paramref name="reason"/>, e.g. <c>INVALID_IDENTIFIER</c>.</summary>
    public static string ReasonName(ErrorReason reason)
    {
        var name = ErrorReason.Descriptor.FindValueByNumber((int)reason)?.Name
            ?? throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a declared error reason.");
        return name.StartsWith(ReasonPrefix, StringComparison.Ordinal) ? name[ReasonPrefix.Length..] : name;
    }

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
            info.Metadata.Add(metadata);
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
