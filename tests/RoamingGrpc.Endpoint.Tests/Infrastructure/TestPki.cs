using System.Net;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>A roaming CA in a temporary directory and certificates issued by our own CA code.</summary>
public sealed class TestPki : IDisposable
{
    public TestPki(string root)
    {
        Root = root;
        // Valid from ten days ago, so that tests can issue certificates that have already expired.
        Ca = CertificateAuthority.Create("Test Roaming CA", TimeSpan.FromDays(40), new ShiftedClock(TimeSpan.FromDays(-10)));
        Ca.Save(Path.Combine(root, "ca"));
    }

    public string Root { get; }

    public CertificateAuthority Ca { get; }

    /// <summary>Issues a certificate into <c>Root/name</c> and returns the directory.</summary>
    public string Issue(string name, PartyRole role, string party, TimeSpan? validity = null, DateTimeOffset? notBefore = null) =>
        IssueWith(Ca, name, role, party, validity, notBefore);

    /// <summary>Issues with another CA, but with this network's CA as trust anchor (so only the leaf is foreign).</summary>
    public string IssueWith(CertificateAuthority ca, string name, PartyRole role, string party, TimeSpan? validity = null, DateTimeOffset? notBefore = null)
    {
        ArgumentNullException.ThrowIfNull(ca);
        var directory = Path.Combine(Root, name);
        using var issued = ca.Issue(
            PartyIdentity.Create(role, party),
            ["localhost"],
            [IPAddress.Loopback],
            validity ?? TimeSpan.FromDays(7),
            notBefore: notBefore);
        ca.SaveIssued(issued, directory);
        if (!ReferenceEquals(ca, Ca))
        {
            File.WriteAllText(Path.Combine(directory, CertificateAuthority.CaCertificateFile), Ca.Certificate.ExportCertificatePem() + "\n");
        }

        return directory;
    }

    /// <summary>The serial number of the certificate in <paramref name="directory"/>.</summary>
    public static string SerialOf(string directory)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
            File.ReadAllText(Path.Combine(directory, CertificateAuthority.CertificateFile)));
        return certificate.SerialNumber;
    }

    public void Dispose() => Ca.Dispose();

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }
}
