using System.Net;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.PartnerData;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Cli.Demo;

/// <summary>
/// Runs the demo: a fresh roaming CA, one certificate per role and party, a CSO (DE*ABC) and a CSP (DE-8EO)
/// endpoint on loopback with temporary databases, and the live use cases between them, printed as a trace.
/// Exit code 0 only when every step had the expected outcome.
/// </summary>
internal sealed class DemoRunner(TextWriter output)
{
    private static readonly PartyIdentity Cso = PartyIdentity.Create(PartyRole.Cso, "DE*ABC");
    private static readonly PartyIdentity Csp = PartyIdentity.Create(PartyRole.Csp, "DE-8EO");
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);
    private readonly DemoTrace _trace = new(output);

    public async Task<int> RunAsync(bool keepRunning, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory("roaming-demo-").FullName;
        Section("Setup: roaming CA and one certificate per role");
        using var ca = CertificateAuthority.Create("Demo Roaming CA", TimeSpan.FromDays(2));
        ca.Save(Path.Combine(root, "ca"));
        Line($"roaming ca init --out {Path.Combine(root, "ca")}");
        var csoCerts = Issue(ca, root, "cso", Cso);
        var cspCerts = Issue(ca, root, "csp", Csp);
        var csoBackoffice = Issue(ca, root, "cso-backoffice", PartyIdentity.Create(PartyRole.Backoffice, Cso.PartyId));
        var cspBackoffice = Issue(ca, root, "csp-backoffice", PartyIdentity.Create(PartyRole.Backoffice, Csp.PartyId));
        var intruder = Issue(ca, root, "other-cso", PartyIdentity.Create(PartyRole.Cso, "DE*XYZ"));

        using var loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Warning));
        WebApplication? csp = null;
        WebApplication? cso = null;
        try
        {
            Section("Start: CSP endpoint, then CSO endpoint (each its own SQLite database)");
            csp = await StartAsync(Csp, cspCerts, Path.Combine(root, "csp.db"), (Cso, null), cancellationToken).ConfigureAwait(false);
            var cspUrl = UrlOf(csp);
            Line($"CSP {Csp.PartyId} listening on {cspUrl}; knows partner cso:{Cso.PartyId} (URL to be learnt from its handshake)");
            cso = await StartAsync(Cso, csoCerts, Path.Combine(root, "cso.db"), (Csp, cspUrl), cancellationToken).ConfigureAwait(false);
            var csoUrl = UrlOf(cso);
            Line($"CSO {Cso.PartyId} listening on {csoUrl}; knows partner csp:{Csp.PartyId} at {cspUrl}");

            Section("UC1-1 Platform authentication: handshakes both ways at start");
            var bothWays = await WaitForHandshakesAsync(cso, csp, cancellationToken).ConfigureAwait(false);
            using var csoAdmin = PartnerChannelFactory.ForClient(csoBackoffice, PartyIdentity.Create(PartyRole.Backoffice, Cso.PartyId), loggerFactory);
            using var cspAdmin = PartnerChannelFactory.ForClient(cspBackoffice, PartyIdentity.Create(PartyRole.Backoffice, Csp.PartyId), loggerFactory);
            using var cspPartnerChannels = PartnerChannelFactory.ForClient(cspCerts, Csp, loggerFactory);
            var csoPartners = await new PartnerBackofficeService.PartnerBackofficeServiceClient(csoAdmin.Get(csoUrl, Cso))
                .ListPartnersAsync(new ListPartnersRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            var cspPartners = await new PartnerBackofficeService.PartnerBackofficeServiceClient(cspAdmin.Get(cspUrl, Csp))
                .ListPartnersAsync(new ListPartnersRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            PrintRegistry("CSO", csoPartners);
            PrintRegistry("CSP", cspPartners);
            Check("UC1-1 handshake CSO -> CSP and CSP -> CSO, both recorded in SQLite", bothWays);

            Section("UC1-1 on demand: the CSP's back office asks its endpoint to handshake again");
            var again = await new PartnerBackofficeService.PartnerBackofficeServiceClient(cspAdmin.Get(cspUrl, Csp))
                .RunHandshakeAsync(new RunHandshakeRequest { RequestId = Guid.NewGuid().ToString() }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var result in again.Results)
            {
                Line($"CSP -> CSO {result.PartyId}: {(result.Success ? "registered, partner states " + UseCases(result.Partner.UseCases) : result.ErrorCode + " " + result.ErrorMessage)}");
            }

            Check("UC1-1 on-demand handshake", again.Results.Count == 1 && again.Results[0].Success);

            Section("UC1-2 Sites: the CSO's back office publishes, the CSP receives by push and pulls");
            var siteAdmin = new CsoBackofficeService.CsoBackofficeServiceClient(csoAdmin.Get(csoUrl, Cso));
            foreach (var site in DemoSites.Create())
            {
                var stored = await siteAdmin.UpsertSiteAsync(new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
                Line($"CSO back office UpsertSite {stored.Site.SiteId} ({stored.Site.City}, {stored.Site.Evses.Count} EVSEs): version {stored.Site.Version}");
            }

            var removed = await siteAdmin.RemoveSiteAsync(new RemoveSiteRequest { RequestId = Guid.NewGuid().ToString(), SiteId = "HAM-HAFEN" }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            Line($"CSO back office RemoveSite {removed.Site.SiteId}: tombstone version {removed.Site.Version}");
            var pushed = await WaitForPushedSitesAsync(csp, 3, cancellationToken).ConfigureAwait(false);
            foreach (var site in pushed)
            {
                Line($"CSP holds (pushed) {site.SiteId} version {site.Version}{(site.Removed ? " REMOVED" : $", {site.Evses.Count} EVSEs")}");
            }

            var pulled = await new SiteService.SiteServiceClient(cspPartnerChannels.Get(csoUrl, Cso))
                .ListSitesAsync(new ListSitesRequest { PageSize = 10 }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            Line($"CSP -> CSO ListSites: {string.Join(", ", pulled.Sites.Select(site => $"{site.SiteId} v{site.Version}"))}; sync_time {pulled.SyncTime.ToDateTimeOffset():HH:mm:ss}");
            Check(
                "UC1-2 sites pushed (with the removal) and pulled, identical on both sides",
                pushed.Count == 3
                && pushed.Count(site => site.Removed) == 1
                && pulled.Sites.Count == 2
                && pulled.Sites.All(site => pushed.Any(held => held.Equals(site))));

            Section("UC1-3 EVSE status: the station side reports changes, the CSP follows them on its resumable stream");
            var evseIds = DemoSites.Create().Where(site => site.SiteId != "HAM-HAFEN").SelectMany(site => site.Evses).Select(evse => evse.EvseId).ToList();
            var statusStore = csp.Services.GetRequiredService<IPartnerStatusStore>();
            var (_, appliedBefore) = await statusStore.ListAsync(Cso.PartyId, cancellationToken).ConfigureAwait(false);
            const int changes = 5000;
            var started = System.Diagnostics.Stopwatch.StartNew();
            var simulator = new Simulator.StationSimulator(siteAdmin, Cso.PartyId, TextWriter.Null);
            var reported = await simulator.RunStatusAsync(evseIds, changes, perSecond: 0, batchSize: 100, cancellationToken).ConfigureAwait(false);
            var expected = appliedBefore + reported;
            var (statusesAtCsp, applied) = await statusStore.ListAsync(Cso.PartyId, cancellationToken).ConfigureAwait(false);
            while (applied < expected && started.Elapsed < StepTimeout)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
                (statusesAtCsp, applied) = await statusStore.ListAsync(Cso.PartyId, cancellationToken).ConfigureAwait(false);
            }

            started.Stop();
            var atCso = await new EvseStatusService.EvseStatusServiceClient(cspPartnerChannels.Get(csoUrl, Cso))
                .ListEvseStatusesAsync(new ListEvseStatusesRequest { PageSize = 100 }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            Line($"station simulator: {changes} status changes on {evseIds.Count} EVSEs in batches of 100, {reported} of them real changes; "
                + $"the CSP applied {applied - appliedBefore} in {started.Elapsed.TotalSeconds:0.00} s ({(applied - appliedBefore) / started.Elapsed.TotalSeconds:0} events/s end to end: back office -> durable log -> stream -> CSP database, acked)");
            Line($"CSP now shows {string.Join(", ", statusesAtCsp.Take(3).Select(status => $"{status.EvseId} {Endpoint.Mapping.ProtoEnumNames.Of((EvseStatus)status.Status)}"))}, ...");
            Check(
                "UC1-3 every status change applied exactly once at the CSP, which ends equal to the CSO",
                applied == expected
                && atCso.EvseStatuses.Select(status => (status.EvseId, (long)status.Status)).SequenceEqual(statusesAtCsp.Select(status => (status.EvseId, status.Status))));

            Section("UC2-1 / UC2-2 Tariffs: a general tariff for every CSP, a negotiated one for DE-8EO only, one for another CSP");
            foreach (var tariff in DemoTariffs.Create())
            {
                var stored = await siteAdmin.UpsertTariffAsync(new UpsertTariffRequest { RequestId = Guid.NewGuid().ToString(), Tariff = tariff }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
                Line($"CSO back office UpsertTariff {stored.Tariff.TariffId} for {(stored.Tariff.TargetProviderId.Length == 0 ? "every CSP" : stored.Tariff.TargetProviderId)}: version {stored.Tariff.Version}");
            }

            var pushedTariffs = await WaitForPushedAsync(csp, PushKinds.Tariff.Name, Tariff.Parser, 2, cancellationToken).ConfigureAwait(false);
            Line($"CSP holds (pushed): {string.Join(", ", pushedTariffs.Select(tariff => $"{tariff.TariffId} {string.Join(" + ", tariff.Elements.SelectMany(element => element.PriceComponents).Select(component => $"{ProtoName(component.Type)} {component.Price.Amount} {component.Price.CurrencyCode}"))}"))}");
            var pulledTariffs = await new TariffService.TariffServiceClient(cspPartnerChannels.Get(csoUrl, Cso))
                .ListTariffsAsync(new ListTariffsRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            Line($"CSP -> CSO ListTariffs: {string.Join(", ", pulledTariffs.Tariffs.Select(tariff => tariff.TariffId))} (never another CSP's tariff)");
            Check(
                "UC2-1/UC2-2 tariffs pushed and pulled; the other CSP's tariff stays invisible",
                pushedTariffs.Select(tariff => tariff.TariffId).Order().SequenceEqual(["AC-STANDARD", "DC-8EO-CONTRACT"])
                && pulledTariffs.Tariffs.Select(tariff => tariff.TariffId).Order().SequenceEqual(["AC-STANDARD", "DC-8EO-CONTRACT"]));

            var cspDatabase = Path.Combine(root, "csp.db");
            var scenarios = new ChargingScenarios(
                _trace,
                new CspBackofficeService.CspBackofficeServiceClient(cspAdmin.Get(cspUrl, Csp)),
                siteAdmin,
                new ChargingService.ChargingServiceClient(cspPartnerChannels.Get(csoUrl, Cso)),
                new SdrService.SdrServiceClient(cspPartnerChannels.Get(csoUrl, Cso)),
                new ReservationService.ReservationServiceClient(cspPartnerChannels.Get(csoUrl, Cso)),
                new SupportService.SupportServiceClient(cspPartnerChannels.Get(csoUrl, Cso)),
                () => csp ?? throw new InvalidOperationException("The CSP endpoint is stopped."),
                cso.Services.GetRequiredService<RoamingGrpc.Storage.Tokens.IPartnerTokenLists>(),
                async _ =>
                {
                    await StopAsync(csp).ConfigureAwait(false);
                    csp = null;
                },
                async token =>
                {
                    csp = await StartAsync(Csp, cspCerts, cspDatabase, (Cso, null), token, listen: $"{cspUrl.Host}:{cspUrl.Port}").ConfigureAwait(false);
                    await WaitForHandshakesAsync(cso, csp, token).ConfigureAwait(false);
                });
            await scenarios.RunAsync(cancellationToken).ConfigureAwait(false);

            Section("Role identification: who may call what");
            using var cspAsPartner = PartnerChannelFactory.ForClient(cspCerts, Csp, loggerFactory);
            var info = await new PlatformService.PlatformServiceClient(cspAsPartner.Get(csoUrl, Cso))
                .GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            Line($"CSP -> CSO GetPlatformInfo: {info.Platform.Role} {info.Platform.PartyId} at {info.Platform.EndpointUrl}, live: {UseCases(info.Platform.UseCases)}");
            var backofficeOnly = await ExpectErrorAsync(() => new CsoBackofficeService.CsoBackofficeServiceClient(cspAsPartner.Get(csoUrl, Cso))
                .ReportEvseStatusAsync(new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() }, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
            Line($"CSP DE-8EO -> CSO's back office CsoBackofficeService.ReportEvseStatus: {Describe(backofficeOnly)}");
            using var intruderFactory = PartnerChannelFactory.ForClient(intruder, PartyIdentity.Create(PartyRole.Cso, "DE*XYZ"), loggerFactory);
            var denied = await ExpectErrorAsync(() => new SiteService.SiteServiceClient(intruderFactory.Get(csoUrl, Cso))
                .ListSitesAsync(new ListSitesRequest(), deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
            Line($"another CSO (DE*XYZ) -> CSO SiteService.ListSites: {Describe(denied)}");
            var impostor = await ExpectErrorAsync(() => new PlatformService.PlatformServiceClient(cspAsPartner.Get(csoUrl, Cso))
                .HandshakeAsync(
                    new HandshakeRequest
                    {
                        RequestId = Guid.NewGuid().ToString(),
                        Caller = new PlatformInfo
                        {
                            PartyId = "NL-TNM",
                            Role = Role.Csp,
                            EndpointUrl = cspUrl.ToString(),
                            UseCases = { new UseCaseSupport { UseCase = UseCase.PlatformAuthentication, Versions = { "v1" } } },
                        },
                    },
                    deadline: Deadline(),
                    cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
            Line($"CSP DE-8EO claiming to be NL-TNM -> CSO Handshake: {Describe(impostor)}");
            Check("Role identification (back office refused to a partner, wrong role, impersonation refused)",
                backofficeOnly?.StatusCode == StatusCode.PermissionDenied
                && denied?.StatusCode == StatusCode.PermissionDenied
                && impostor?.StatusCode == StatusCode.PermissionDenied);

            if (keepRunning)
            {
                Section("Endpoints keep running (Ctrl+C stops them)");
                Line($"CSO: {csoUrl}  certificates: {csoCerts}  backoffice: {csoBackoffice}");
                Line($"CSP: {cspUrl}  certificates: {cspCerts}  backoffice: {cspBackoffice}");
                Line($"metrics after the demo traffic:  curl {MetricsUrlOf(cso)}   (CSP: curl {MetricsUrlOf(csp!)})");
                Line($"try:  buf curl --protocol grpc --http2-prior-knowledge=false --cacert {Path.Combine(cspCerts, "ca.pem")} --cert {Path.Combine(cspCerts, "cert.pem")} --key {Path.Combine(cspCerts, "key.pem")} --list-methods {csoUrl}");
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await StopAsync(cso).ConfigureAwait(false);
            await StopAsync(csp).ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }

        Section("Summary");
        foreach (var (step, ok) in _trace.Summary)
        {
            Line($"{(ok ? "OK  " : "FAIL")}  {step}");
        }

        var failed = _trace.Summary.Count(step => !step.Ok);
        Line(failed == 0 ? $"All {_trace.Summary.Count} scenario steps completed as expected." : $"{failed} of {_trace.Summary.Count} steps failed.");
        return failed == 0 ? 0 : 1;
    }

    private static DateTime Deadline() => DateTime.UtcNow.Add(StepTimeout);

    private string Issue(CertificateAuthority ca, string root, string name, PartyIdentity identity)
    {
        var directory = Path.Combine(root, name);
        using var issued = ca.Issue(identity, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        ca.SaveIssued(issued, directory);
        Line($"roaming cert issue --role {identity.Role.ToName()} --party {identity.PartyId} -> {CertificateIdentity.ToUri(identity)}");
        return directory;
    }

    private async Task<WebApplication> StartAsync(
        PartyIdentity identity, string certificates, string database, (PartyIdentity Identity, Uri? Url) partner, CancellationToken cancellationToken, string listen = "127.0.0.1:0")
    {
        var settings = EndpointOverrides.For(
            identity,
            listen,
            certificates,
            database,
            identity.Role == PartyRole.Cso ? "Demo charging stations" : "Demo e-mobility provider",
            [partner]);
        settings["Roaming:Handshake:InitialBackoff"] = "00:00:00.200";
        settings["Roaming:Metrics:Listen"] = "127.0.0.1:0"; // a free loopback port each: the demo must not clash with roaming serve
        var name = $"{identity.Role.ToName().ToUpperInvariant()} {identity.PartyId}";
        var app = RoamingEndpointHost.Build(null, settings, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(new DemoLog(output, name));
            logging.SetMinimumLevel(LogLevel.Information);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }

    private static async Task<List<Site>> WaitForPushedSitesAsync(WebApplication csp, int count, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (true)
        {
            var sites = await WaitForPushedAsync(csp, PushKinds.Site.Name, Site.Parser, count, cancellationToken).ConfigureAwait(false);
            if (sites.Count(site => site.Removed) == 1 || DateTime.UtcNow > deadline)
            {
                return sites;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    // What the CSP endpoint holds of the CSO's records of one kind, once there are (at least) count of them.
    private static async Task<List<T>> WaitForPushedAsync<T>(WebApplication csp, string kind, Google.Protobuf.MessageParser<T> parser, int count, CancellationToken cancellationToken)
        where T : Google.Protobuf.IMessage<T>
    {
        var held = csp.Services.GetRequiredService<IReceivedRecords>();
        var deadline = DateTime.UtcNow + StepTimeout;
        while (true)
        {
            var records = (await held.ListAsync(Cso.PartyId, kind, cancellationToken).ConfigureAwait(false)).Select(row => parser.ParseFrom(row.Payload)).ToList();
            if (records.Count >= count || DateTime.UtcNow > deadline)
            {
                return records;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string ProtoName(TariffDimensionType type) => Endpoint.Mapping.ProtoEnumNames.Of(type).Replace("TARIFF_DIMENSION_TYPE_", string.Empty, StringComparison.Ordinal);

    private static async Task<bool> WaitForHandshakesAsync(WebApplication cso, WebApplication csp, CancellationToken cancellationToken)
    {
        var csoDirectory = cso.Services.GetRequiredService<PartnerDirectory>();
        var cspDirectory = csp.Services.GetRequiredService<PartnerDirectory>();
        var deadline = DateTime.UtcNow + StepTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (csoDirectory.Find(Csp) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null }
                && cspDirectory.Find(Cso) is { OutboundHandshakeTime: not null, InboundHandshakeTime: not null })
            {
                return true;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    private void PrintRegistry(string who, ListPartnersResponse response)
    {
        foreach (var partner in response.Partners)
        {
            Line($"{who} registry: {partner.Role} {partner.PartyId} {partner.Status} at {partner.EndpointUrl}; "
                + $"its handshake to us {(partner.InboundHandshakeTime is null ? "-" : "yes")}, ours to it {(partner.OutboundHandshakeTime is null ? "-" : "yes")}; states {UseCases(partner.UseCases)}");
        }
    }

    private static async Task<RpcException?> ExpectErrorAsync(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private static string Describe(RpcException? error) => error is null
        ? "succeeded (unexpected)"
        : $"{error.StatusCode} {error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason} - {error.Status.Detail}";

    private static string UseCases(IEnumerable<UseCaseSupport> useCases) =>
        string.Join(", ", useCases.Select(useCase => $"{Domain.UseCases.UseCaseCatalog.ByNumber((int)useCase.UseCase)?.Code} {string.Join('/', useCase.Versions)}"));

    private static Uri UrlOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single(address => address.StartsWith("https://", StringComparison.Ordinal)));

    private static Uri MetricsUrlOf(WebApplication app) =>
        new(new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single(address => address.StartsWith("http://", StringComparison.Ordinal))), "/metrics");

    private static async Task StopAsync(WebApplication? app)
    {
        if (app is not null)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Check(string step, bool ok) => _trace.Check(step, ok);

    private void Section(string title) => _trace.Section(title);

    private void Line(string text) => _trace.Line(text);
}
