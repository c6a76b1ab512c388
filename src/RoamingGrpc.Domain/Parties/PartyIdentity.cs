using RoamingGrpc.Domain.Identifiers;

namespace RoamingGrpc.Domain.Parties;

/// <summary>
/// Who a party is in one role: the role and the canonical party id (an operator id for a CSO, a provider id
/// for a CSP; a back office carries the id of the CSO or CSP it belongs to).
/// </summary>
public sealed record PartyIdentity
{
    private PartyIdentity(PartyRole role, string partyId)
    {
        Role = role;
        PartyId = partyId;
    }

    /// <summary>The role.</summary>
    public PartyRole Role { get; }

    /// <summary>The party id in canonical form.</summary>
    public string PartyId { get; }

    /// <summary>
    /// Validates <paramref name="partyId"/> for <paramref name="role"/> and returns the identity in canonical form.
    /// A CSO needs an operator id (<c>DE*ABC</c>), a CSP a provider id (<c>DE-8EO</c>); a back office either,
    /// written with its separator so that it is unambiguous.
    /// </summary>
    /// <exception cref="InvalidIdentifierException">The party id is malformed for the role.</exception>
    public static PartyIdentity Create(PartyRole role, string? partyId) => role switch
    {
        PartyRole.Cso => new(role, OperatorId.Parse(partyId).ToString()),
        PartyRole.Csp => new(role, ProviderId.Parse(partyId).ToString()),
        PartyRole.Backoffice => new(role, ParseBackofficeParty(partyId)),
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown party role."),
    };

    /// <summary>The identity as written in certificates: <c>cso:DE*ABC</c>.</summary>
    public override string ToString() => $"{Role.ToName()}:{PartyId}";

    private static string ParseBackofficeParty(string? partyId)
    {
        if (partyId is not null && partyId.Contains('*', StringComparison.Ordinal))
        {
            return OperatorId.Parse(partyId).ToString();
        }

        return ProviderId.Parse(partyId).ToString();
    }
}
