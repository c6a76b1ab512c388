using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Cli;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Tests.Cli;

/// <summary>The <c>roaming ca init</c> and <c>roaming cert issue</c> verbs, run in-process through the real parser.</summary>
public sealed class CertificateCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("roaming-cli-").FullName;

    [Fact]
    public async Task CaInitThenCertIssue_Csp_WritesFilesWithRoleIdentity()
    {
        var ca = Path.Combine(_root, "ca");
        var csp = Path.Combine(_root, "csp");

        var (initCode, _, _) = await RunAsync("ca", "init", "--out", ca);
        var (issueCode, output, error) = await RunAsync("cert", "issue", "--ca", ca, "--role", "csp", "--party", "de8eo", "--out", csp, "--dns", "csp.example.com", "--days", "30");

        Assert.Equal(0, initCode);
        Assert.Equal(0, issueCode);
        Assert.Empty(error);
        Assert.Contains("csp:DE-8EO", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(ca, "ca.pem")) && File.Exists(Path.Combine(ca, "ca.key")));
        Assert.Equal(File.ReadAllText(Path.Combine(ca, "ca.pem")), File.ReadAllText(Path.Combine(csp, "ca.pem")));
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(csp, "cert.pem"), Path.Combine(csp, "key.pem"));
        Assert.True(CertificateIdentity.TryRead(certificate, out var identity, out _));
        Assert.Equal("csp:DE-8EO", identity.ToString());
        Assert.Equal(["csp.example.com"], certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 29.9, 30.1);
    }

    [Theory]
    [InlineData("csp", "DE*ABC", "provider")]
    [InlineData("cso", "DE-8EO", "Operator")]
    [InlineData("cso", "XX*ABC", "country")]
    public async Task CertIssue_PartyIdWrongForRole_ExitCode2AndNothingWritten(string role, string party, string expectedWord)
    {
        var ca = Path.Combine(_root, "ca");
        var target = Path.Combine(_root, "target");
        await RunAsync("ca", "init", "--out", ca);

        var (code, _, error) = await RunAsync("cert", "issue", "--ca", ca, "--role", role, "--party", party, "--out", target);

        Assert.Equal(2, code);
        Assert.Contains("--party", error, StringComparison.Ordinal);
        Assert.Contains(expectedWord, error, StringComparison.OrdinalIgnoreCase);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public async Task CaInit_ExistingKey_RefusesToReplaceIt()
    {
        var ca = Path.Combine(_root, "ca");
        await RunAsync("ca", "init", "--out", ca);
        var before = File.ReadAllText(Path.Combine(ca, "ca.key"));

        var (code, _, error) = await RunAsync("ca", "init", "--out", ca);

        Assert.Equal(1, code);
        Assert.Contains("refusing", error, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(ca, "ca.key")));
    }

    [Fact]
    public async Task CertIssue_UnknownRole_ParserRejects()
    {
        var (code, _, error) = await RunAsync("cert", "issue", "--ca", _root, "--role", "hub", "--party", "DE*ABC", "--out", _root);

        Assert.NotEqual(0, code);
        Assert.Contains("hub", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoamingCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
