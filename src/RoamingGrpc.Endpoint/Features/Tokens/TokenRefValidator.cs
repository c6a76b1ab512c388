using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Features.Tokens;

/// <summary>Checks a token reference in a request and brings it to canonical form (the rules of <see cref="TokenValidator"/>).</summary>
internal static class TokenRefValidator
{
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

        var canonical = token.Clone();
        canonical.Type = TokenValidator.Type(token.Type, $"{field}.type");
        canonical.Uid = TokenValidator.Uid(canonical.Type, token.Uid, $"{field}.uid");
        canonical.ProviderId = TokenValidator.ProviderIdOf(token.ProviderId, $"{field}.provider_id") ?? string.Empty;
        if (token.ContractId.Length > 0)
        {
            canonical.ContractId = TokenValidator.ContractIdOf(token.ContractId, $"{field}.contract_id").ToString();
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
}
