using System.Collections.Frozen;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Mapping;

namespace RoamingGrpc.Endpoint.Errors;

/// <summary>
/// The one registry of the errors partners see: every refusal is raised here as a <see cref="RoamingException"/>
/// with a kind, an UPPER_SNAKE reason from <see cref="ErrorReason"/> and a message a partner can act on; invalid
/// input names its field. The gRPC edge (<c>Grpc/ErrorMapping</c>) turns them into statuses with
/// <c>google.rpc.ErrorInfo</c> and <c>google.rpc.BadRequest</c> details.
/// </summary>
internal static class RoamingErrors
{
    /// <summary>The ErrorInfo domain of every error this endpoint raises.</summary>
    public const string Domain = "roaming.roaminggrpc.dev";

    private const string ReasonPrefix = "ERROR_REASON_";

    // The proto value names (ERROR_REASON_STALE_CURSOR) with the prefix removed, read once from the generated enum.
    private static readonly FrozenDictionary<ErrorReason, string> ReasonNames = Enum.GetValues<ErrorReason>().ToFrozenDictionary(
        reason => reason,
        reason => ProtoEnumNames.Of(reason).Replace(ReasonPrefix, string.Empty, StringComparison.Ordinal));

    private static readonly FrozenDictionary<string, ErrorReason> ReasonsByName = ReasonNames.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The ErrorInfo reason string of <paramref name="reason"/>, e.g. <c>INVALID_IDENTIFIER</c>.</summary>
    public static string ReasonName(ErrorReason reason) =>
        ReasonNames.TryGetValue(reason, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a declared error reason.");

    /// <summary>The reason whose ErrorInfo string is <paramref name="name"/>, or null for a reason this contract does not declare.</summary>
    public static ErrorReason? ReasonNamed(string? name) =>
        name is not null && ReasonsByName.TryGetValue(name, out var reason) ? reason : null;

    /// <summary>
    /// The contract's name of the status code a kind is answered with (<c>NOT_FOUND</c>), for records that keep a
    /// refusal (the unlock audit, handshake results); the same correspondence as the gRPC edge's mapping.
    /// </summary>
    public static string CodeName(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => "INVALID_ARGUMENT",
        ErrorKind.NotFound => "NOT_FOUND",
        ErrorKind.AlreadyExists => "ALREADY_EXISTS",
        ErrorKind.WrongState => "FAILED_PRECONDITION",
        ErrorKind.Conflict => "ABORTED",
        ErrorKind.OutOfRange => "OUT_OF_RANGE",
        ErrorKind.Forbidden => "PERMISSION_DENIED",
        ErrorKind.Unauthenticated => "UNAUTHENTICATED",
        ErrorKind.Exhausted => "RESOURCE_EXHAUSTED",
        ErrorKind.Unavailable => "UNAVAILABLE",
        ErrorKind.NotLive => "UNIMPLEMENTED",
        ErrorKind.DeadlineExceeded => "DEADLINE_EXCEEDED",
        ErrorKind.Cancelled => "CANCELLED",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not an error kind."),
    };

    /// <summary>An error of <paramref name="kind"/> with <paramref name="reason"/> and optional ErrorInfo metadata.</summary>
    public static RoamingException Create(
        ErrorKind kind,
        ErrorReason reason,
        string message,
        IReadOnlyList<KeyValuePair<string, string>>? metadata = null) =>
        new(kind, reason, message, metadata);

    /// <summary>INVALID_ARGUMENT naming the offending field (dotted path such as <c>caller.party_id</c>).</summary>
    public static RoamingException InvalidField(string field, ErrorReason reason, string description) =>
        new(ErrorKind.InvalidArgument, reason, $"{field}: {description}", [new("field", field)], new FieldViolation(field, description));

    /// <summary>INVALID_ARGUMENT for a required field left empty.</summary>
    public static RoamingException MissingField(string field) =>
        InvalidField(field, ErrorReason.MissingField, "is required");

    /// <summary>PERMISSION_DENIED: the caller is authenticated but may not do this.</summary>
    public static RoamingException PermissionDenied(ErrorReason reason, string message) =>
        Create(ErrorKind.Forbidden, reason, message);

    /// <summary>UNAUTHENTICATED: the caller's certificate no longer proves who it is.</summary>
    public static RoamingException Unauthenticated(ErrorReason reason, string message) =>
        Create(ErrorKind.Unauthenticated, reason, message);
}
