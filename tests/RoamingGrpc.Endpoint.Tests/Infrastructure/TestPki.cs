using System.Net;
using Microsoft.Extensions.Time.Testing;
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
        Ca = CertificateAuthority.Create("Test Roaming CA", TimeSpan.FromDays(40), new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10)));
        Ca.Save(Path.Combine(root, "ca"));
    }

    public string Root { get; }

    public CertificateAuthority Ca { get; }

    /// <summary>
    /// Issues a certificate into <c>Root/name</c> and returns the directory. Unless <paramref name="notBefore"/> says
    /// otherwise it is valid from a day ago, so that an endpoint whose clock a test set back (a FakeTimeProvider a few
    /// hours in the past) accepts it too; not before its CA, though.
    /// </summary>
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
            notBefore: notBefore ?? Later(DateTimeOffset.UtcNow.AddDays(-1), new DateTimeOffset(ca.Certificate.NotBefore.ToUniversalTime())));
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

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
