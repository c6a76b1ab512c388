using System.Globalization;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.Tokens;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;

namespace RoamingGrpc.Endpoint.Features.Tokens;

/// <summary>
/// Checks tokens (UC4-1, UC4-2) and returns them in canonical form. Token uids are normalized by type: an RFID uid
/// is upper-case hex without separators, an EMAID uid the canonical contract id, any other uid a local identifier
/// kept as given. The first problem fails with INVALID_ARGUMENT naming the field.
/// </summary>
internal static class TokenValidator
{
    /// <summary>Longest visual number, issuer, group id or app/ad hoc uid.</summary>
    public const int MaxTextLength = 64;

    private const string LocalIdCharacters = "._~:-";

    /// <summary>A token type: required and defined in the contract.</summary>
    public static TokenType Type(TokenType value, string field)
    {
        Required(value, TokenType.Unspecified, field);
        return value;
    }

    /// <summary>The normalized uid of a token of <paramref name="type"/>.</summary>
    public static string Uid(TokenType type, string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        switch (type)
        {
            case TokenType.Rfid:
                return RfidUid.TryNormalize(value, out var rfid, out var problem)
                    ? rfid
                    : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, problem);
            case TokenType.Emaid:
                return ContractIdOf(value, field).ToString();
            default:
                return value.Length <= MaxTextLength && value.All(c => char.IsAsciiLetterOrDigit(c) || LocalIdCharacters.Contains(c, StringComparison.Ordinal))
                    ? value
                    : throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be 1 to {MaxTextLength} characters from A-Z a-z 0-9 . _ ~ : -");
        }
    }

    /// <summary>The uid as it may appear in logs: its last four characters only.</summary>
    public static string Tail(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        return uid.Length > 4 ? "..." + uid[^4..] : "****";
    }

    /// <summary>A contract id in canonical form.</summary>
    public static ContractId ContractIdOf(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField(field);
        }

        try
        {
            return ContractId.Parse(value);
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, ex.Message);
        }
    }

    /// <summary>
    /// A provider id stated in a request: empty (null returned) or a valid provider id in canonical form.
    /// </summary>
    public static string? ProviderIdOf(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        try
        {
            return ProviderId.Parse(value).ToString();
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, ex.Message);
        }
    }

    /// <summary>
    /// A token written by <paramref name="owner"/>'s back office (IssueToken, UpdateToken), as it will be stored:
    /// uid normalized, contract id canonical and of the owner, provider filled in, output-only fields cleared.
    /// </summary>
    public static Token Issued(Token? token, PartyIdentity owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (token is null)
        {
            throw RoamingErrors.MissingField("token");
        }

        var result = token.Clone();
        result.Type = Type(token.Type, "token.type");
        result.Uid = Uid(token.Type, token.Uid, "token.uid");
        if (token.Type == TokenType.Emaid && ContractId.Parse(result.Uid).Provider.ToString() != owner.PartyId)
        {
            throw RoamingErrors.InvalidField("token.uid", ErrorReason.InvalidField, $"an EMAID token of {owner.PartyId} starts with {owner.PartyId}");
        }

        result.ProviderId = OwnProvider(token.ProviderId, owner, "token.provider_id");
        var contract = ContractIdOf(token.ContractId, "token.contract_id");
        if (contract.Provider.ToString() != owner.PartyId)
        {
            throw RoamingErrors.InvalidField("token.contract_id", ErrorReason.InvalidField, $"must be a contract of {owner.PartyId} (was one of {contract.Provider})");
        }

        result.ContractId = contract.ToString();
        Text(token.VisualNumber, "token.visual_number");
        Text(token.Issuer, "token.issuer");
        if (token.GroupId.Length > 0)
        {
            Uid(TokenType.AppUser, token.GroupId, "token.group_id");
        }

        if (token.Language.Length > 0 && (token.Language.Length != 2 || !token.Language.All(char.IsAsciiLetterLower)))
        {
            throw RoamingErrors.InvalidField("token.language", ErrorReason.InvalidField, "must be an ISO 639-1 code of two lower-case letters, e.g. \"de\"");
        }

        Required(token.Whitelist, WhitelistType.Unspecified, "token.whitelist");
        result.UidHash = string.Empty;
        result.UpdateTime = null;
        result.Removed = false;
        return result;
    }

    /// <summary>
    /// A token pushed by <paramref name="csp"/> (TokenUpdateService) at <paramref name="field"/>, as the CSO keeps it:
    /// provider filled in, uid normalized (or, in a hashed list, the uid hash in lower case).
    /// </summary>
    public static Token Pushed(Token? token, string field, bool hashed, PartyIdentity csp)
    {
        ArgumentNullException.ThrowIfNull(csp);
        if (token is null)
        {
            throw RoamingErrors.MissingField(field);
        }

        var result = token.Clone();
        result.ProviderId = OwnProvider(token.ProviderId, csp, $"{field}.provider_id");
        result.Type = Type(token.Type, $"{field}.type");
        if (hashed)
        {
            if (token.Uid.Length > 0)
            {
                throw RoamingErrors.InvalidField($"{field}.uid", ErrorReason.InvalidField, "must be empty in a hashed list (uid_hash is set instead)");
            }

            if (!TokenUidHash.IsWellFormed(token.UidHash))
            {
                throw RoamingErrors.InvalidField($"{field}.uid_hash", ErrorReason.InvalidField, "must be 64 hex digits (SHA-256) in a hashed list");
            }

            result.UidHash = token.UidHash.ToLowerInvariant();
        }
        else
        {
            if (token.UidHash.Length > 0)
            {
                throw RoamingErrors.InvalidField($"{field}.uid_hash", ErrorReason.InvalidField, "must be empty unless the push carries hashing");
            }

            result.Uid = Uid(token.Type, token.Uid, $"{field}.uid");
        }

        if (!token.Removed)
        {
            var contract = ContractIdOf(token.ContractId, $"{field}.contract_id");
            if (contract.Provider.ToString() != csp.PartyId)
            {
                throw RoamingErrors.InvalidField($"{field}.contract_id", ErrorReason.InvalidField, $"must be a contract of {csp.PartyId} (was one of {contract.Provider})");
            }

            result.ContractId = contract.ToString();
        }

        return result;
    }

    private static string OwnProvider(string stated, PartyIdentity owner, string field)
    {
        if (stated.Length > 0 && (!ProviderId.TryParse(stated, out var parsed) || parsed.ToString() != owner.PartyId))
        {
            throw RoamingErrors.Create(
                ErrorKind.Forbidden,
                ErrorReason.PartyMismatch,
                $"{field} '{stated}' is not {owner.PartyId}; leave it empty or state {owner.PartyId}.",
                [new("field", field), new("certificate_party_id", owner.PartyId)]);
        }

        return owner.PartyId;
    }

    private static void Text(string value, string field)
    {
        if (value.Length > MaxTextLength)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be at most {MaxTextLength} characters (was {value.Length})");
        }
    }

    private static void Required<TEnum>(TEnum value, TEnum unspecified, string field)
        where TEnum : struct, Enum
    {
        if (EqualityComparer<TEnum>.Default.Equals(value, unspecified))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.MissingField, $"is required; {ProtoEnumNames.Of(unspecified)} is not a value");
        }

        if (!Enum.IsDefined(value))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"value {Convert.ToInt32(value, CultureInfo.InvariantCulture)} is not defined in contract v1");
        }
    }
}
