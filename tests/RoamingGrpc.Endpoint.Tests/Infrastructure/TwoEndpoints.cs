using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Partners;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>
/// A CSO endpoint (DE*ABC) and a CSP endpoint (DE-8EO), each with its own certificate from the test CA and its
/// own SQLite file in a temporary directory. The CSP knows the CSO as a partner without a URL; the CSO knows the
/// CSP's URL, so the CSO registers first and the CSP registers back once it learnt the CSO's URL.
/// </summary>
public sealed class TwoEndpoints : IAsyncDisposable
{
    public static readonly PartyIdentity CsoIdentity = PartyIdentity.Create(PartyRole.Cso, "DE*ABC");
    public static readonly PartyIdentity CspIdentity = PartyIdentity.Create(PartyRole.Csp, "DE-8EO");

    private readonly List<PartnerChannelFactory> _factories = [];
    private readonly ITestOutputHelper _output;

    private TwoEndpoints(ITestOutputHelper output, string root, TestPki pki)
    {
        _output = output;
        Root = root;
        Pki = pki;
        CsoCertificates = pki.Issue("cso", PartyRole.Cso, CsoIdentity.PartyId);
        CspCertificates = pki.Issue("csp", PartyRole.Csp, CspIdentity.PartyId);
        RevocationFile = Path.Combine(root, "revoked.txt");
        File.WriteAllText(RevocationFile, "# revoked serial numbers\n");
    }

    public string Root { get; }

    public TestPki Pki { get; }

    public string CsoCertificates { get; }

    public string CspCertificates { get; }

    public string RevocationFile { get; }

    public RunningEndpoint Cso { get; private set; } = null!;

    public RunningEndpoint Csp { get; private set; } = null!;

    /// <summary>Issues the certificates and starts the CSP, then the CSO.</summary>
    public static async Task<TwoEndpoints> StartAsync(ITestOutputHelper output, CancellationToken cancellationToken = default)
    {
        var endpoints = Prepare(output);
        await endpoints.StartCspAsync(cancellationToken: cancellationToken);
        await endpoints.StartCsoAsync(endpoints.Csp.Url, cancellationToken: cancellationToken);
        return endpoints;
    }

    /// <summary>Starts both and waits until the start-up handshakes (both ways) are done and nothing else is in flight.</summary>
    public static async Task<TwoEndpoints> StartSettledAsync(ITestOutputHelper output)
    {
        var endpoints = await StartAsync(output);
        var csoDirectory = endpoints.Cso.Services.GetRequiredService<PartnerDirectory>();
        var cspDirectory = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        var csoHandshaker = endpoints.Cso.Services.GetRequiredService<PartnerHandshaker>();
        var cspHandshaker = endpoints.Csp.Services.GetRequiredService<PartnerHandshaker>();
        await WaitUntilAsync(
            () => csoDirectory.Find(CspIdentity) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null }
                && cspDirectory.Find(CsoIdentity) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null }
                && csoHandshaker.IsIdle
                && cspHandshaker.IsIdle,
            TimeSpan.FromSeconds(20),
            "the start-up handshakes settled and no handshake is queued or running");
        return endpoints;
    }

    /// <summary>Issues the certificates; starts nothing.</summary>
    public static TwoEndpoints Prepare(ITestOutputHelper output)
    {
        var root = Path.Combine(Path.GetTempPath(), "roaming-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return new TwoEndpoints(output, root, new TestPki(root));
    }

    public async Task<RunningEndpoint> StartCsoAsync(
        Uri cspUrl,
        IReadOnlyDictionary<string, string?>? extra = null,
        IReadOnlyList<(PartyIdentity Identity, Uri? Url)>? morePartners = null,
        Action<IServiceCollection>? services = null,
        CancellationToken cancellationToken = default)
    {
        var settings = new Dictionary<string, string?> { ["Roaming:RevocationFile"] = RevocationFile };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return Cso = await RunningEndpoint.StartAsync(_output, CsoIdentity, CsoCertificates, Path.Combine(Root, "cso.db"), [(CspIdentity, cspUrl), .. morePartners ?? []], settings, services, cancellationToken);
    }

    public async Task<RunningEndpoint> StartCspAsync(
        string listen = "127.0.0.1:0",
        IReadOnlyDictionary<string, string?>? extra = null,
        CancellationToken cancellationToken = default)
    {
        var settings = new Dictionary<string, string?> { ["Roaming:RevocationFile"] = RevocationFile, ["Roaming:Listen"] = listen };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return Csp = await RunningEndpoint.StartAsync(_output, CspIdentity, CspCertificates, Path.Combine(Root, "csp.db"), [(CsoIdentity, null)], settings, cancellationToken: cancellationToken);
    }

    /// <summary>A loopback port free at the time of the call.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A channel built by the production partner channel factory: credentials from <paramref name="certificateDirectory"/>
    /// (identity <paramref name="self"/>), expecting the server to prove <paramref name="expectedServer"/>.
    /// </summary>
    public GrpcChannel Channel(string certificateDirectory, PartyIdentity self, RunningEndpoint target, PartyIdentity? expectedServer = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        var factory = PartnerChannelFactory.ForClient(certificateDirectory, self, NullLoggerFactory.Instance);
        _factories.Add(factory);
        return factory.Get(target.Url, expectedServer ?? target.Identity);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        var errors = new List<string>();
        if (Cso is not null)
        {
            await Cso.DisposeAsync();
            errors.AddRange(Cso.Log.Errors);
        }

        if (Csp is not null)
        {
            await Csp.DisposeAsync();
            errors.AddRange(Csp.Log.Errors);
        }

        Pki.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the runtime; the temporary directory is left for the OS to clean.
        }

        Assert.True(errors.Count == 0, "Unexpected error logs:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }
}
