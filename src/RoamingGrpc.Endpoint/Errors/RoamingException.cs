using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Errors;

/// <summary>
/// A typed refusal raised by feature code: its <see cref="Kind"/>, the contract's <see cref="Reason"/>, a message a
/// partner can act on, the offending <see cref="Field"/> for invalid input, and metadata for the ErrorInfo. Raised
/// through <see cref="RoamingErrors"/> (the one registry of errors); the gRPC edge maps it to a status once.
/// </summary>
internal sealed class RoamingException : Exception
{
    public RoamingException()
        : this(ErrorKind.InvalidArgument, ErrorReason.InvalidField, "The request is not valid.")
    {
    }

    public RoamingException(string message)
        : this(ErrorKind.InvalidArgument, ErrorReason.InvalidField, message)
    {
    }

    public RoamingException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = ErrorKind.InvalidArgument;
        Reason = ErrorReason.InvalidField;
        Metadata = [];
    }

    public RoamingException(
        ErrorKind kind,
        ErrorReason reason,
        string message,
        IReadOnlyList<KeyValuePair<string, string>>? metadata = null,
        FieldViolation? field = null)
        : base(message)
    {
        Kind = kind;
        Reason = reason;
        Metadata = metadata ?? [];
        Field = field;
    }

    /// <summary>The kind of failure.</summary>
    public ErrorKind Kind { get; }

    /// <summary>The contract's reason, sent as <c>ErrorInfo.reason</c>.</summary>
    public ErrorReason Reason { get; }

    /// <summary>Key-value details sent as <c>ErrorInfo.metadata</c> (e.g. the unknown id).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>For invalid input: the field and what is wrong with it (sent as <c>google.rpc.BadRequest</c>).</summary>
    public FieldViolation? Field { get; }

    /// <summary>The metadata value of <paramref name="key"/>, or null.</summary>
    public string? MetadataOf(string key) => Metadata.FirstOrDefault(pair => pair.Key == key).Value;
}
