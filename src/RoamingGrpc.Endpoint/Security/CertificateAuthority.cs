using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// The roaming network's certificate authority: creates the trust anchor and issues one certificate per role
/// and party. Keys are ECDSA P-256; certificates are signed with SHA-256.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>File name of the CA certificate (PEM) in a CA or certificate directory.</summary>
    public const string CaCertificateFile = "ca.pem";

    /// <summary>File name of the CA private key (PKCS#8 PEM) in a CA directory.</summary>
    public const string CaKeyFile = "ca.key";

    /// <summary>File name of an issued certificate (PEM).</summary>
    public const string CertificateFile = "cert.pem";

    /// <summary>File name of an issued certificate's private key (PKCS#8 PEM).</summary>
    public const string KeyFile = "key.pem";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    private CertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a new self-signed roaming CA.</summary>
    public static CertificateAuthority Create(string name, TimeSpan validity, TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={Escape(name)}, O=RoamingGrpc roaming CA"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(validity));
        return new CertificateAuthority(certificate);
    }

    /// <summary>Loads a CA from <c>ca.pem</c> and <c>ca.key</c> in <paramref name="directory"/>.</summary>
    public static CertificateAuthority Load(string directory)
    {
        var certificatePath = Path.Combine(directory, CaCertificateFile);
        var keyPath = Path.Combine(directory, CaKeyFile);
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            throw new FileNotFoundException(
                $"No CA in '{directory}': expected {CaCertificateFile} and {CaKeyFile} (create one with 'roaming ca init --out {directory}').");
        }

        return new CertificateAuthority(X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
    }

    /// <summary>Writes <c>ca.pem</c> and <c>ca.key</c> (owner-only permissions) into <paramref name="directory"/>.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        WritePublic(Path.Combine(directory, CaCertificateFile), Certificate.ExportCertificatePem());
        WritePrivate(Path.Combine(directory, CaKeyFile), ExportKeyPem(Certificate));
    }

    /// <summary>
    /// Issues a certificate for <paramref name="identity"/>. Endpoint roles (cso, csp) get server and client
    /// authentication and the given DNS names and IP addresses; a back office certificate is client-only.
    /// </summary>
    public X509Certificate2 Issue(
        PartyIdentity identity,
        IReadOnlyCollection<string> dnsNames,
        IReadOnlyCollection<IPAddress> ipAddresses,
        TimeSpan validity,
        TimeProvider? clock = null,
        DateTimeOffset? notBefore = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ipAddresses);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        var start = notBefore ?? now.AddMinutes(-5);
        var end = start.Add(validity);
        if (end > Certificate.NotAfter.ToUniversalTime())
        {
            end = Certificate.NotAfter.ToUniversalTime();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedName(
            $"CN={Escape(identity.PartyId)}, OU={identity.Role.ToName()}, O=RoamingGrpc {identity.Role.ToName()} {Escape(identity.PartyId)}");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var usages = new OidCollection { ClientAuth };
        if (identity.Role != PartyRole.Backoffice)
        {
            usages.Add(ServerAuth);
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(CertificateIdentity.ToUri(identity)));
        if (identity.Role != PartyRole.Backoffice)
        {
            foreach (var dns in dnsNames)
            {
                san.AddDnsName(dns);
            }

            foreach (var ip in ipAddresses)
            {
                san.AddIpAddress(ip);
            }
        }

        request.CertificateExtensions.Add(san.Build(false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive, as RFC 5280 requires
        using var issued = request.Create(Certificate, start, end, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Issues an ISO 15118 style contract certificate for Plug and Charge (UC3-3): subject CN = the EMAID in canonical
    /// form, digital signature and key agreement, no extended key usage (it never authenticates a TLS peer). In a real
    /// deployment a mobility operator's sub-CA of the V2G PKI issues these; this CA stands in for it in the simulator,
    /// demo and tests.
    /// </summary>
    public X509Certificate2 IssueContract(Domain.Identifiers.ContractId emaid, TimeSpan validity, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(emaid);
        var start = (clock ?? TimeProvider.System).GetUtcNow().AddMinutes(-5);
        var end = start.Add(validity) > Certificate.NotAfter.ToUniversalTime() ? Certificate.NotAfter.ToUniversalTime() : start.Add(validity);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={emaid}, O={Escape(emaid.Provider.ToString())}, DC=MO"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, start, end, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <c>cert.pem</c>, <c>key.pem</c> (owner-only) and a copy of the CA as <c>ca.pem</c>.</summary>
    public void SaveIssued(X509Certificate2 issued, string directory)
    {
        ArgumentNullException.ThrowIfNull(issued);
        Directory.CreateDirectory(directory);
        WritePublic(Path.Combine(directory, CertificateFile), issued.ExportCertificatePem());
        WritePrivate(Path.Combine(directory, KeyFile), ExportKeyPem(issued));
        WritePublic(Path.Combine(directory, CaCertificateFile), Certificate.ExportCertificatePem());
    }

    /// <inheritdoc />
    public void Dispose() => Certificate.Dispose();

    private static string ExportKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static void WritePublic(string path, string pem) => File.WriteAllText(path, pem + "\n");

    private static void WritePrivate(string path, string pem)
    {
        // Create a new file, owner-only, before any key material is written to it; CreateNew never follows a
        // link planted between the delete and the create.
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
        writer.Write('\n');
    }

    private static string Escape(string value) => value.Contains(',', StringComparison.Ordinal) || value.Contains('=', StringComparison.Ordinal)
        ? "\"" + value.Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
        : value;
}
