namespace RoamingGrpc.Domain.Parties;

/// <summary>The role a party plays in a roaming relationship; one certificate is issued per role.</summary>
public enum PartyRole
{
    /// <summary>Visited charging station operator: owns sites, EVSEs, sessions, SDRs.</summary>
    Cso = 1,

    /// <summary>Home charging service provider: owns contracts, tokens and authorization decisions.</summary>
    Csp = 2,

    /// <summary>The local back office of a CSO or CSP; client-only, talks to its own endpoint.</summary>
    Backoffice = 3,
}
