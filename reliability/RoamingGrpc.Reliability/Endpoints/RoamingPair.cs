using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>
/// A CSO and a CSP endpoint as two <c>roaming serve</c> processes on loopback (the README's "Run two endpoints by
/// hand" flags, each with its own port, metrics port and SQLite file), and the clients the driver uses: each
/// endpoint's back office (backoffice certificates of its party) and the CSP's partner certificate towards the CSO
/// (what a CSP's own systems use where its back office has no relay yet, e.g. reservations).
/// </summary>
internal sealed class RoamingPair : IAsyncDisposable
{
    private readonly List<PartnerChannelFactory> _factories = [];

    private RoamingPair(Workspace workspace, string cliDll, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> moreCsoPartners)
    {
        CsoPort = Workspace.FreePort();
        CspPort = Workspace.FreePort();
        CsoMetricsPort = Workspace.FreePort();
        CspMetricsPort = Workspace.FreePort();
        CsoUrl = new Uri($"https://127.0.0.1:{CsoPort}");
        CspUrl = new Uri($"https://127.0.0.1:{CspPort}");
        CsoDatabase = workspace.File("cso.db");
        CspDatabase = workspace.File("csp.db");
        Cso = new EndpointProcess(
            "cso",
            cliDll,
            [.. Serve("cso", Parties.Cso, CsoPort, CsoMetricsPort, workspace.Certificates("cso"), workspace, CsoDatabase, $"csp:{Parties.Csp.PartyId}@{CspUrl}"), .. moreCsoPartners.SelectMany(partner => new[] { "--partner", partner })],
            environment,
            workspace.File("cso.log"));
        Csp = new EndpointProcess(
            "csp",
            cliDll,
            Serve("csp", Parties.Csp, CspPort, CspMetricsPort, workspace.Certificates("csp"), workspace, CspDatabase, $"cso:{Parties.Cso.PartyId}@{CsoUrl}"),
            environment,
            workspace.File("csp.log"));

        var csoBackoffice = Channel(workspace.Certificates("cso-backoffice"), Parties.CsoBackoffice, CsoUrl, Parties.Cso);
        var cspBackoffice = Channel(workspace.Certificates("csp-backoffice"), Parties.CspBackoffice, CspUrl, Parties.Csp);
        AsCsp = Channel(workspace.Certificates("csp"), Parties.Csp, CsoUrl, Parties.Cso);
        CsoBackoffice = new CsoBackofficeService.CsoBackofficeServiceClient(csoBackoffice);
        CspBackoffice = new CspBackofficeService.CspBackofficeServiceClient(cspBackoffice);
        CsoPartners = new PartnerBackofficeService.PartnerBackofficeServiceClient(csoBackoffice);
        CspPartners = new PartnerBackofficeService.PartnerBackofficeServiceClient(cspBackoffice);
    }

    public EndpointProcess Cso { get; }

    public EndpointProcess Csp { get; }

    public int CsoPort { get; }

    public int CspPort { get; }

    public int CsoMetricsPort { get; }

    public int CspMetricsPort { get; }

    public Uri CsoUrl { get; }

    public Uri CspUrl { get; }

    public string CsoDatabase { get; }

    public string CspDatabase { get; }

    public CsoBackofficeService.CsoBackofficeServiceClient CsoBackoffice { get; }

    public CspBackofficeService.CspBackofficeServiceClient CspBackoffice { get; }

    public PartnerBackofficeService.PartnerBackofficeServiceClient CsoPartners { get; }

    public PartnerBackofficeService.PartnerBackofficeServiceClient CspPartners { get; }

    /// <summary>The CSP's partner channel to the CSO.</summary>
    public GrpcChannel AsCsp { get; }

    /// <summary>
    /// The two endpoints; <paramref name="moreCsoPartners"/> are further <c>--partner ROLE:PARTY[@URL]</c> of the CSO
    /// (e.g. a second CSP that the abuse run plays as a malicious partner).
    /// </summary>
    public static RoamingPair Create(Workspace workspace, string cliDll, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string>? moreCsoPartners = null) =>
        new(workspace, cliDll, environment, moreCsoPartners ?? []);

    /// <summary>The process of <paramref name="role"/>.</summary>
    public EndpointProcess Of(PartyRole role) => role == PartyRole.Cso ? Cso : Csp;

    /// <summary>Starts both endpoints and waits until each serves and both handshakes are done.</summary>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Cso.Start();
        Csp.Start();
        await WaitServingAsync(PartyRole.Cso, timeout, cancellationToken).ConfigureAwait(false);
        await WaitServingAsync(PartyRole.Csp, timeout, cancellationToken).ConfigureAwait(false);
        await WaitPartneredAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the endpoint of <paramref name="role"/> answers its back office (ListPartners).</summary>
    public async Task WaitServingAsync(PartyRole role, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var process = Of(role);
        var partners = role == PartyRole.Cso ? CsoPartners : CspPartners;
        await WaitUntilAsync(
            $"{process.Name} to serve",
            process,
            async () =>
            {
                await partners.ListPartnersAsync(new ListPartnersRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            },
            timeout,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until each endpoint holds the other as registered with handshakes both ways.</summary>
    public async Task WaitPartneredAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var (process, partners) in new[] { (Cso, CsoPartners), (Csp, CspPartners) })
        {
            await WaitUntilAsync(
                $"{process.Name} to complete the handshakes",
                process,
                async () =>
                {
                    var list = await partners.ListPartnersAsync(new ListPartnersRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken).ConfigureAwait(false);
                    return list.Partners.Any(partner => partner.Status == Contracts.V1.PartnerStatus.Registered && partner.InboundHandshakeTime is not null && partner.OutboundHandshakeTime is not null);
                },
                timeout,
                cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }

        await Cso.DisposeAsync().ConfigureAwait(false);
        await Csp.DisposeAsync().ConfigureAwait(false);
    }

    // Polls `ready` (an RPC; transport failures mean "not yet") until it is true; an endpoint that exits fails at once.
    private static async Task WaitUntilAsync(string what, EndpointProcess process, Func<Task<bool>> ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (process.UnexpectedExits.Count > 0)
            {
                throw new ReliabilityException($"waiting for {what}: {process.UnexpectedExits[^1]}");
            }

            try
            {
                if (await ready().ConfigureAwait(false))
                {
                    return;
                }

                last = "not yet";
            }
            catch (RpcException ex) when (Retrying.IsTransient(ex))
            {
                last = $"{ex.StatusCode}: {ex.Status.Detail}";
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }

        throw new ReliabilityException($"{what}: not within {timeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s ({last}); see {process.LogFile}");
    }

    private GrpcChannel Channel(string certificates, PartyIdentity self, Uri url, PartyIdentity expected)
    {
        var factory = PartnerChannelFactory.ForClient(certificates, self, NullLoggerFactory.Instance);
        _factories.Add(factory);
        return factory.Get(url, expected);
    }

    // `roaming serve` with flags only, as the README runs two endpoints by hand.
    private static string[] Serve(string role, PartyIdentity party, int port, int metricsPort, string certificates, Workspace workspace, string database, string partner) =>
    [
        "serve",
        "--role", role,
        "--party", party.PartyId,
        "--listen", $"127.0.0.1:{port}",
        "--metrics", $"127.0.0.1:{metricsPort}",
        "--cert", certificates,
        "--revocations", workspace.RevocationFile,
        "--db", database,
        "--public-url", $"https://127.0.0.1:{port}",
        "--partner", partner,
    ];
}
