namespace RoamingGrpc.Domain.Identifiers;

/// <summary>Why an identifier was rejected: one value per class of malformation.</summary>
public enum IdentifierError
{
    /// <summary>No error: the identifier was accepted.</summary>
    None = 0,

    /// <summary>The value is null, empty or only white space.</summary>
    Empty = 1,

    /// <summary>The value starts or ends with white space (it is rejected, not trimmed).</summary>
    LeadingOrTrailingWhitespace = 2,

    /// <summary>
    /// The value is longer than 255 characters: the ISO 15118-20 limit for an EMAID, checked first for every kind so
    /// that no parse scans an unbounded input.
    /// </summary>
    TooLong = 3,

    /// <summary>The value contains a character other than A-Z, a-z, 0-9, <c>*</c> and <c>-</c>.</summary>
    InvalidCharacter = 4,

    /// <summary>The country part is not two letters forming an officially assigned ISO 3166-1 alpha-2 code.</summary>
    InvalidCountry = 5,

    /// <summary>The operator or provider party code is not exactly three letters or digits.</summary>
    InvalidPartyCode = 6,

    /// <summary>A separator of the wrong kind: <c>-</c> in an operator or EVSE id, <c>*</c> in a provider or contract id.</summary>
    WrongSeparator = 7,

    /// <summary>An EVSE id does not continue with <c>E</c> (the EVSE type) after the operator id.</summary>
    MissingEvsePrefix = 8,

    /// <summary>The EVSE part after <c>E</c> is empty, longer than 30 characters or starts with a separator.</summary>
    InvalidEvseSuffix = 9,

    /// <summary>A contract id's instance is not <c>C</c> followed by 8 letters or digits (or has extra characters).</summary>
    InvalidInstance = 10,

    /// <summary>A contract id's check character differs from the ISO 15118-2 Annex H one, or is missing after a separator.</summary>
    InvalidCheckCharacter = 11,
}
