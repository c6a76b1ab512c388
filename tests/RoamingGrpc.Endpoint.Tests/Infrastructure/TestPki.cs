using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        // Valid from ten days ago, so that tests can issue certificates that have already expired, and for years, as a
        // network's CA is, so that certificates can last as long as `roaming cert issue` makes them (13 months).
        Ca = CertificateAuthority.Create("Test Roaming CA", TimeSpan.FromDays(800), new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-10)));
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

    /// <summary>
    /// Issues, from this network's CA, a certificate that our CA code never issues: extended key usages
    /// <paramref name="usages"/> only, or no extended key usage extension at all when null (which .NET's chain policy
    /// takes for "any purpose"). Otherwise as <see cref="Issue"/>: the role identity URI, localhost, valid from a day
    /// ago for seven days.
    /// </summary>
    public string IssueWithUsages(string name, PartyRole role, string party, IReadOnlyCollection<string>? usages)
    {
        var directory = Path.Combine(Root, name);
        var start = Later(DateTimeOffset.UtcNow.AddDays(-1), new DateTimeOffset(Ca.Certificate.NotBefore.ToUniversalTime()));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={party}, OU={role.ToName()}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        if (usages is not null)
        {
            var oids = new OidCollection();
            foreach (var usage in usages)
            {
                oids.Add(new Oid(usage));
            }

            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        }

        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(CertificateIdentity.ToUri(PartyIdentity.Create(role, party))));
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build(false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca.Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Ca.Certificate, start, start.AddDays(7), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        Ca.SaveIssued(withKey, directory);
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
