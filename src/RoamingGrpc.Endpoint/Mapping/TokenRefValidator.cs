using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Mapping;

/// <summary>Checks a token reference in a request and brings it to canonical form (RFID uid upper-case hex, EMAID canonical).</summary>
public static class TokenRefValidator
{
    /// <summary>Longest token uid (a local identifier).</summary>
    public const int MaxUidLength = 64;

    /// <summary>
    /// The token in canonical form. <paramref name="provider"/>, when given, is the only provider the token may name
    /// (the calling CSP): another is PERMISSION_DENIED / PARTY_MISMATCH; an empty provider_id is filled with it.
    /// </summary>
    public static TokenRef Canonical(TokenRef? token, string field, string? provider)
    {
        if (token is null)
        {
            throw RoamingErrors.MissingField(field);
        }

        if (token.Type == TokenType.Unspecified || !Enum.IsDefined(token.Type))
        {
            throw RoamingErrors.InvalidField($"{field}.type", token.Type == TokenType.Unspecified ? ErrorReason.MissingField : ErrorReason.InvalidField, "must be one of the TOKEN_TYPE values (not UNSPECIFIED)");
        }

        var canonical = token.Clone();
        canonical.Uid = Uid(token.Uid, token.Type, $"{field}.uid");
        if (token.ProviderId.Length > 0)
        {
            canonical.ProviderId = Provider(token.ProviderId, $"{field}.provider_id");
        }

        if (token.ContractId.Length > 0)
        {
            canonical.ContractId = Contract(token.ContractId, $"{field}.contract_id");
        }

        if (provider is not null)
        {
            if (canonical.ProviderId.Length > 0 && canonical.ProviderId != provider)
            {
                throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"{field}.provider_id {canonical.ProviderId} is another provider's token; you are {provider}");
            }

            canonical.ProviderId = provider;
        }

        return canonical;
    }

    /// <summary>A token uid in canonical form for its type.</summary>
    public static string Uid(string? uid, TokenType type, string field)
    {
        if (string.IsNullOrWhiteSpace(uid))
        {
            throw RoamingErrors.MissingField(field);
        }

        switch (type)
        {
            case TokenType.Rfid:
                var hex = new string([.. uid.Where(c => c is not (':' or '-' or ' '))]).ToUpperInvariant();
                return hex.Length is > 0 and <= MaxUidLength && hex.All(char.IsAsciiHexDigit)
                    ? hex
                    : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "an RFID uid is the card UID in hex (separators ':' '-' ' ' allowed), at most 64 digits");
            case TokenType.Emaid:
                return Contract(uid, field);
            default:
                return uid.Length <= MaxUidLength && uid.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '~' or ':' or '-')
                    ? uid
                    : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "must be 1 to 64 characters from [A-Za-z0-9._~:-]");
        }
    }

    /// <summary>A contract id (EMAID) in canonical form.</summary>
    public static string Contract(string value, string field)
    {
        try
        {
            return ContractId.Parse(value).ToString();
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, ex.Message);
        }
    }

    private static string Provider(string value, string field)
    {
        try
        {
            return ProviderId.Parse(value).ToString();
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, ex.Message);
        }
    }
}
