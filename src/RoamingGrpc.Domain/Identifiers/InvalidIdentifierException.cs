namespace RoamingGrpc.Domain.Identifiers;

/// <summary>
/// A global identifier was malformed. <see cref="Kind"/> and <see cref="Error"/> say what and why; the message is
/// written for the partner that sent the value.
/// </summary>
public sealed class InvalidIdentifierException : FormatException
{
    /// <summary>Creates the exception for a malformed identifier of <paramref name="kind"/>.</summary>
    public InvalidIdentifierException(IdentifierKind kind, IdentifierError error, string message)
        : base(message)
    {
        Kind = kind;
        Error = error;
    }

    /// <summary>The kind of identifier that was being parsed.</summary>
    public IdentifierKind Kind { get; }

    /// <summary>The class of malformation.</summary>
    public IdentifierError Error { get; }
}
