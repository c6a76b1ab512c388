namespace RoamingGrpc.Domain.Identifiers;

/// <summary>The outcome of a failed parse: the class of malformation and the zero-based index it was found at.</summary>
internal readonly record struct ParseFailure(IdentifierError Error, int Position)
{
    /// <summary>Builds the exception that <c>Parse</c> throws for this failure.</summary>
    public InvalidIdentifierException ToException(IdentifierKind kind, string? value) =>
        new(kind, Error, IdentifierMessages.Describe(kind, this, value));
}
