using System.Net;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Tests.Security;

public sealed class CertificateAuthorityTests : IDisposable
{
    private readonly CertificateAuthority _ca = CertificateAuthority.Create("Unit CA", TimeSpan.FromDays(10));
    private readonly string _directory = Directory.CreateTempSubdirectory("roaming-ca-").FullName;

    [Fact]
    public void Issue_CsoCertificate_CarriesRoleUriBothUsagesAndNames()
    {
        var identity = PartyIdentity.Create(PartyRole.Cso, "de*abc");
        using var issued = _ca.Issue(identity, ["cso.example.com"], [IPAddress.Loopback], TimeSpan.FromDays(1));

        Assert.True(CertificateIdentity.TryRead(issued, out var read, out _));
        Assert.Equal(PartyIdentity.Create(PartyRole.Cso, "DE*ABC"), read);
        var usages = issued.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(oid => oid.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"], usages);
        var san = issued.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["cso.example.com"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], san.EnumerateIPAddresses());
        Assert.Contains("OU=cso", issued.Subject, StringComparison.Ordinal);
        Assert.False(issued.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void Issue_BackofficeCertificate_IsClientOnlyWithoutNames()
    {
        using var issued = _ca.Issue(PartyIdentity.Create(PartyRole.Backoffice, "DE-8EO"), ["ignored.example.com"], [IPAddress.Loopback], TimeSpan.FromDays(1));

        var usages = issued.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Select(oid => oid.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], usages);
        Assert.Empty(issued.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.True(CertificateIdentity.TryRead(issued, out var read, out _));
        Assert.Equal("backoffice:DE-8EO", read.ToString());
    }

    [Fact]
    public void SaveAndLoad_RoundTrip_KeysOwnerOnlyAndIssuedChainsToCa()
    {
        _ca.Save(_directory);
        using var loaded = CertificateAuthority.Load(_directory);
        using var issued = loaded.Issue(PartyIdentity.Create(PartyRole.Csp, "DE-8EO"), ["localhost"], [], TimeSpan.FromDays(1));
        var leafDirectory = Path.Combine(_directory, "leaf");
        loaded.SaveIssued(issued, leafDirectory);

        Assert.Equal(_ca.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory, CertificateAuthority.CaKeyFile)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(leafDirectory, CertificateAuthority.KeyFile)));
        }

        using var reloaded = X509Certificate2.CreateFromPemFile(Path.Combine(leafDirectory, CertificateAuthority.CertificateFile), Path.Combine(leafDirectory, CertificateAuthority.KeyFile));
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(leafDirectory, CertificateAuthority.CaCertificateFile))));
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(reloaded));
        Assert.True(reloaded.HasPrivateKey);
    }

    [Fact]
    public void TryRead_CertificateWithoutRoleUri_FailsWithReason()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new CertificateRequest("CN=DE*ABC", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var plain = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.False(CertificateIdentity.TryRead(plain, out var identity, out var problem));
        Assert.Null(identity);
        Assert.Contains("urn:iec63119:", problem, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _ca.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
