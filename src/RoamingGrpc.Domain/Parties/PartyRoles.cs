using System.Diagnostics.CodeAnalysis;

namespace RoamingGrpc.Domain.Parties;

/// <summary>The textual names of <see cref="PartyRole"/> used in certificates, configuration and the CLI.</summary>
public static class PartyRoles
{
    /// <summary>Lower-case name: <c>cso</c>, <c>csp</c> or <c>backoffice</c>.</summary>
    public static string ToName(this PartyRole role) => role switch
    {
        PartyRole.Cso => "cso",
        PartyRole.Csp => "csp",
        PartyRole.Backoffice => "backoffice",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown party role."),
    };

    /// <summary>Parses <c>cso</c>, <c>csp</c> or <c>backoffice</c> (case-insensitive).</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out PartyRole? role)
    {
        role = value?.ToUpperInvariant() switch
        {
            "CSO" => PartyRole.Cso,
            "CSP" => PartyRole.Csp,
            "BACKOFFICE" => PartyRole.Backoffice,
            _ => null,
        };
        return role is not null;
    }

    /// <summary>Parses a role name or throws <see cref="FormatException"/> naming the accepted values.</summary>
    public static PartyRole Parse(string? value) =>
        TryParse(value, out var role)
            ? role.Value
            : throw new FormatException($"Role '{value}' is not one of cso, csp, backoffice.");

    /// <summary>The role of the partners an endpoint of <paramref name="role"/> talks to.</summary>
    public static PartyRole Counterpart(this PartyRole role) => role switch
    {
        PartyRole.Cso => PartyRole.Csp,
        PartyRole.Csp => PartyRole.Cso,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Only cso and csp endpoints have partners."),
    };
}
