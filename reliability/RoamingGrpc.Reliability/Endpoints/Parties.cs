using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>The parties of a reliability run: the README's CSO and CSP, and each one's back office.</summary>
internal static class Parties
{
    public static readonly PartyIdentity Cso = PartyIdentity.Create(PartyRole.Cso, "DE*ABC");
    public static readonly PartyIdentity Csp = PartyIdentity.Create(PartyRole.Csp, "DE-8EO");
    public static readonly PartyIdentity CsoBackoffice = PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC");
    public static readonly PartyIdentity CspBackoffice = PartyIdentity.Create(PartyRole.Backoffice, "DE-8EO");
}
