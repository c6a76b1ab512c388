using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Bench;

/// <summary>The parties of the benchmark and where their certificates live under the run's root directory.</summary>
internal static class BenchParties
{
    public static readonly PartyIdentity Cso = PartyIdentity.Create(PartyRole.Cso, "DE*ABC");
    public static readonly PartyIdentity Csp = PartyIdentity.Create(PartyRole.Csp, "DE-8EO");
    public static readonly PartyIdentity CsoBackoffice = PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC");

    /// <summary>Where nothing listens: the URL the driver states in its handshakes (servers' pushes to it fail fast).</summary>
    public static readonly Uri DeadUrl = new("https://127.0.0.1:9");

    public static string Certificates(string root, string name) => Path.Combine(root, name);
}
