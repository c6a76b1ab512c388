using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Fuzz.Requests;

/// <summary>
/// Two real endpoints in this process, started through the production host builder as the integration tests start
/// them: a CSO (DE*ABC) and a CSP (DE-8EO) that know each other, on 127.0.0.1 with mutual TLS from a fresh roaming CA,
/// each with its own SQLite file in a temporary directory; and the clients that call them as a partner or as their own
/// back office would (the production channel factory with certificates of that role).
/// </summary>
internal sealed class FuzzNetwork : IAsyncDisposable
{
    public static readonly PartyIdentity CsoIdentity = PartyIdentity.Create(PartyRole.Cso, "DE*ABC");
    public static readonly PartyIdentity CspIdentity = PartyIdentity.Create(PartyRole.Csp, "DE-8EO");

    private readonly string _root;
    private readonly List<PartnerChannelFactory> _factories = [];

    private FuzzNetwork(string root, ServerErrors errors)
    {
        _root = root;
        Errors = errors;
    }

    /// <summary>The unexpected failures the endpoints logged.</summary>
    public ServerErrors Errors { get; }

    public WebApplication Cso { get; private set; } = null!;

    public WebApplication Csp { get; private set; } = null!;

    /// <summary>The CSO's channel for its partner (the CSP's certificate) and for its back office.</summary>
    public (GrpcChannel Partner, GrpcChannel Backoffice) CsoChannels { get; private set; }

    /// <summary>The CSP's channel for its partner (the CSO's certificate) and for its back office.</summary>
    public (GrpcChannel Partner, GrpcChannel Backoffice) CspChannels { get; private set; }

    public static async Task<FuzzNetwork> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "roaming-fuzz", "network-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var network = new FuzzNetwork(root, new ServerErrors());
        try
        {
            await network.StartEndpointsAsync().ConfigureAwait(false);
            return network;
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        foreach (var app in new[] { Cso, Csp }.OfType<WebApplication>())
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(timeout.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory: left for the system to clean when a file is still held.
        }
    }

    private async Task StartEndpointsAsync()
    {
        using var ca = CertificateAuthority.Create("Fuzz Roaming CA", TimeSpan.FromDays(30));
        var cso = Issue(ca, "cso", CsoIdentity);
        var csp = Issue(ca, "csp", CspIdentity);
        var csoBackoffice = Issue(ca, "cso-backoffice", PartyIdentity.Create(PartyRole.Backoffice, CsoIdentity.PartyId));
        var cspBackoffice = Issue(ca, "csp-backoffice", PartyIdentity.Create(PartyRole.Backoffice, CspIdentity.PartyId));

        Csp = await StartAsync(CspIdentity, csp, (CsoIdentity, null)).ConfigureAwait(false);
        var cspUrl = UrlOf(Csp);
        Cso = await StartAsync(CsoIdentity, cso, (CspIdentity, cspUrl)).ConfigureAwait(false);
        var csoUrl = UrlOf(Cso);

        CsoChannels = (Channel(csp, CspIdentity, csoUrl, CsoIdentity), Channel(csoBackoffice, PartyIdentity.Create(PartyRole.Backoffice, CsoIdentity.PartyId), csoUrl, CsoIdentity));
        CspChannels = (Channel(cso, CsoIdentity, cspUrl, CspIdentity), Channel(cspBackoffice, PartyIdentity.Create(PartyRole.Backoffice, CspIdentity.PartyId), cspUrl, CspIdentity));

        // The start-up handshakes (both ways) settle before any input runs, so that partner RPCs are admitted.
        var csoDirectory = Cso.Services.GetRequiredService<PartnerDirectory>();
        var cspDirectory = Csp.Services.GetRequiredService<PartnerDirectory>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(csoDirectory.Find(CspIdentity) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null }
            && cspDirectory.Find(CsoIdentity) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null }
            && Cso.Services.GetRequiredService<PartnerHandshaker>().IsIdle
            && Csp.Services.GetRequiredService<PartnerHandshaker>().IsIdle))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The fuzz network's start-up handshakes did not settle within 30 s.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private string Issue(CertificateAuthority ca, string name, PartyIdentity identity)
    {
        var directory = Path.Combine(_root, name);
        using var issued = ca.Issue(identity, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(7), notBefore: new DateTimeOffset(ca.Certificate.NotBefore.ToUniversalTime()));
        ca.SaveIssued(issued, directory);
        return directory;
    }

    private async Task<WebApplication> StartAsync(PartyIdentity identity, string certificates, (PartyIdentity Identity, Uri? Url) partner)
    {
        var settings = EndpointOverrides.For(identity, "127.0.0.1:0", certificates, Path.Combine(_root, identity.Role.ToName() + ".db"), $"Fuzz {identity}", [partner]);
        settings["Roaming:Handshake:InitialBackoff"] = "00:00:00.100";
        settings["Roaming:Handshake:MaxBackoff"] = "00:00:01";
        settings["Roaming:Handshake:CallTimeout"] = "00:00:02";
        settings["Roaming:Authorization:Timeout"] = "00:00:01";
        var app = RoamingEndpointHost.Build(null, settings, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Errors);
        });
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    private GrpcChannel Channel(string certificates, PartyIdentity self, Uri url, PartyIdentity expected)
    {
        var factory = PartnerChannelFactory.ForClient(certificates, self, NullLoggerFactory.Instance);
        _factories.Add(factory);
        return factory.Get(url, expected);
    }

    private static Uri UrlOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single(address => address.StartsWith("https://", StringComparison.Ordinal)));
}
