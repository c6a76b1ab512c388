using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Bench;

/// <summary>
/// Runs every scenario and writes the markdown table. Each ratio is measured side by side: the measured and the
/// baseline phase alternate (the order flips every pair), and the table shows the median of the pairs' ratios with
/// their spread (min-max).
/// </summary>
internal static class BenchDriver
{
    private const int Pairs = 5;
    private const int UnaryConcurrency = 16;
    private static readonly TimeSpan UnaryPhase = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan UnaryWarmUp = TimeSpan.FromSeconds(40);
    private const int StreamChanges = 20_000;
    private const int StreamReporters = 4;
    private const int ReportBatch = 100;
    private const int JsonChanges = 4_000;
    private const int JsonConcurrency = 32;
    private static readonly List<PartnerChannelFactory> Factories = [];

    public static async Task<int> RunAsync(string outputFile, string serverCore)
    {
        var total = Stopwatch.StartNew();
        var root = Directory.CreateTempSubdirectory("roaming-bench-").FullName;
        var loadBefore = LoadAverage();
        Console.WriteLine($"bench root {root}; servers pinned to core {serverCore}");
        using (var ca = CertificateAuthority.Create("Bench Roaming CA", TimeSpan.FromDays(2)))
        {
            ca.Save(Path.Combine(root, "ca"));
            Issue(ca, root, "cso", BenchParties.Cso);
            Issue(ca, root, "csp", BenchParties.Csp);
            Issue(ca, root, "cso-backoffice", BenchParties.CsoBackoffice);
        }

        var rows = new List<ResultRow>();
        var notes = new List<string>();
        try
        {
            if (Selected("auth"))
            {
                await using var csp = await ServerProcess.StartAsync("csp", root, serverCore).ConfigureAwait(false);
                rows.AddRange(await AuthorizationAsync(root, csp, notes).ConfigureAwait(false));
            }

            if (Selected("status"))
            {
                await using var sqlite = await ServerProcess.StartAsync("cso-sqlite", root, serverCore).ConfigureAwait(false);
                await using var memory = await ServerProcess.StartAsync("cso-memory", root, serverCore).ConfigureAwait(false);
                await using var json = await ServerProcess.StartAsync("json", root, serverCore).ConfigureAwait(false);
                rows.AddRange(await StatusStreamAsync(root, sqlite, memory, json, notes).ConfigureAwait(false));
            }

            if (Selected("durability"))
            {
                rows.AddRange(await Durability.RunAsync(root, serverCore, Pairs, notes).ConfigureAwait(false));
            }

            if (Selected("scale"))
            {
                rows.AddRange(await DataScale.RunAsync(root, serverCore, Pairs, notes).ConfigureAwait(false));
            }
        }
        finally
        {
            foreach (var factory in Factories)
            {
                factory.Dispose();
            }
        }

        rows.Sort((a, b) => string.CompareOrdinal(a.Measure, b.Measure));
        notes.Insert(0, $"Load average (1/5/15 min) of the whole machine at start: {loadBefore}; at end: {LoadAverage()}. Other work shares these two cores, so pinning separates server from driver but not from the rest of the machine: read the spreads.");
        var table = Render(rows, notes, total.Elapsed);
        Console.WriteLine(table);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputFile))!);
        await File.WriteAllTextAsync(outputFile, table).ConfigureAwait(false);
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean
        }

        return 0;
    }

    // ROAMING_BENCH_ONLY=auth,status runs only those scenario groups (for working on one row); unset runs all.
    private static bool Selected(string scenario) =>
        Environment.GetEnvironmentVariable("ROAMING_BENCH_ONLY") is not { Length: > 0 } only
        || only.Split(',', StringSplitOptions.TrimEntries).Contains(scenario, StringComparer.Ordinal);

    private static async Task<IReadOnlyList<ResultRow>> AuthorizationAsync(string root, ServerProcess csp, List<string> notes)
    {
        var channel = Channel(root, "cso", BenchParties.Cso, csp.Url, BenchParties.Csp);
        await HandshakeAsync(channel, BenchParties.Cso, Role.Cso, UseCase.PlatformAuthentication).ConfigureAwait(false);
        var platform = new PlatformService.PlatformServiceClient(channel);
        var authorization = new AuthorizationService.AuthorizationServiceClient(channel);
        var random = new Random(7);
        Func<int, Task> info = async _ => await platform.GetPlatformInfoAsync(new GetPlatformInfoRequest()).ConfigureAwait(false);
        Func<int, Task> authorize = async i =>
        {
            var response = await authorization.AuthorizeTokenAsync(new AuthorizeTokenRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Token = new TokenRef { Uid = BenchServer.Uid((int)((uint)(i * 7919) % BenchServer.Tokens)), Type = TokenType.Rfid, ProviderId = BenchParties.Csp.PartyId },
                IdentificationMethod = IdentificationMethod.Rfid,
            }).ConfigureAwait(false);
            if (response.Status != AuthorizationStatus.Allowed)
            {
                throw new InvalidOperationException($"token {i} not allowed: {response.Status}");
            }
        };

        // Both servers and the driver reach their steady state only after tens of seconds of load on one core each
        // (tiered JIT and the thread pool's adjustment): phases measured earlier differ by up to 4x pair to pair.
        Console.WriteLine($"authorization: warm-up {UnaryWarmUp.TotalSeconds:0} s");
        for (var round = 0; round < UnaryWarmUp / (2 * UnaryPhase); round++)
        {
            await UnaryLoad.RunAsync(UnaryConcurrency, UnaryPhase, info).ConfigureAwait(false);
            await UnaryLoad.RunAsync(UnaryConcurrency, UnaryPhase, authorize).ConfigureAwait(false);
        }

        var throughput = new List<double>();
        var p99 = new List<double>();
        var infoRates = new List<double>();
        var authRates = new List<double>();
        var infoP99 = new List<double>();
        var authP99 = new List<double>();
        for (var pair = 0; pair < Pairs; pair++)
        {
            LoadResult a, b;
            if (pair % 2 == 0)
            {
                b = await UnaryLoad.RunAsync(UnaryConcurrency, UnaryPhase, info).ConfigureAwait(false);
                a = await UnaryLoad.RunAsync(UnaryConcurrency, UnaryPhase, authorize).ConfigureAwait(false);
            }
            else
            {
                a = await UnaryLoad.RunAsync(UnaryConcurrency, UnaryPhase, authorize).ConfigureAwait(false);
                b = await UnaryLoad.RunAsync(UnaryConcurrency, UnaryPhase, info).ConfigureAwait(false);
            }

            throughput.Add(a.PerSecond / b.PerSecond);
            p99.Add(a.P99Ms / b.P99Ms);
            infoRates.Add(b.PerSecond);
            authRates.Add(a.PerSecond);
            infoP99.Add(b.P99Ms);
            authP99.Add(a.P99Ms);
            Console.WriteLine($"authorization pair {pair + 1}: AuthorizeToken {a.PerSecond:0}/s p99 {a.P99Ms:0.00} ms; GetPlatformInfo {b.PerSecond:0}/s p99 {b.P99Ms:0.00} ms");
        }

        notes.Add($"Authorization: {BenchServer.Tokens:N0} tokens in the CSP's SQLite store, {UnaryConcurrency} concurrent callers on one mutual-TLS channel, {UnaryPhase.TotalSeconds:0} s per phase.");
        return
        [
            new ResultRow(
                "1a AuthorizeToken throughput / GetPlatformInfo",
                $"{Stats.Spread(authRates, "0")} calls/s",
                $"{Stats.Spread(infoRates, "0")} calls/s",
                throughput,
                ">= 0.8",
                ratio => ratio >= 0.8),
            new ResultRow(
                "1b AuthorizeToken p99 / GetPlatformInfo p99",
                $"{Stats.Spread(authP99, "0.00")} ms",
                $"{Stats.Spread(infoP99, "0.00")} ms",
                p99,
                "<= 1.5",
                ratio => ratio <= 1.5),
        ];
    }

    private static async Task<IReadOnlyList<ResultRow>> StatusStreamAsync(string root, ServerProcess sqlite, ServerProcess memory, ServerProcess json, List<string> notes)
    {
        var evseIds = BenchSites.Create().SelectMany(site => site.Evses).Select(evse => evse.EvseId).ToList();
        var durable = await StreamTarget.PrepareAsync(root, sqlite, evseIds).ConfigureAwait(false);
        var ceiling = await StreamTarget.PrepareAsync(root, memory, evseIds).ConfigureAwait(false);
        using var http = JsonClient(root);
        var jsonChanges = new StatusChanges(evseIds);

        Console.WriteLine("status stream: warm-up");
        await durable.RunAsync(10_000, StreamReporters, ReportBatch).ConfigureAwait(false);
        await ceiling.RunAsync(10_000, StreamReporters, ReportBatch).ConfigureAwait(false);
        await JsonRunAsync(http, json.Url, jsonChanges, 3_000).ConfigureAwait(false);

        var durableRates = new List<double>();
        var ceilingRates = new List<double>();
        var jsonRates = new List<double>();
        var vsCeiling = new List<double>();
        var vsJson = new List<double>();
        for (var pair = 0; pair < Pairs; pair++)
        {
            double d, c, j;
            if (pair % 2 == 0)
            {
                d = await durable.RunAsync(StreamChanges, StreamReporters, ReportBatch).ConfigureAwait(false);
                c = await ceiling.RunAsync(StreamChanges, StreamReporters, ReportBatch).ConfigureAwait(false);
                j = await JsonRunAsync(http, json.Url, jsonChanges, JsonChanges).ConfigureAwait(false);
            }
            else
            {
                j = await JsonRunAsync(http, json.Url, jsonChanges, JsonChanges).ConfigureAwait(false);
                c = await ceiling.RunAsync(StreamChanges, StreamReporters, ReportBatch).ConfigureAwait(false);
                d = await durable.RunAsync(StreamChanges, StreamReporters, ReportBatch).ConfigureAwait(false);
            }

            durableRates.Add(d);
            ceilingRates.Add(c);
            jsonRates.Add(j);
            vsCeiling.Add(d / c);
            vsJson.Add(d / j);
            Console.WriteLine($"status pair {pair + 1}: durable stream {d:0}/s, in-memory log {c:0}/s, request-per-change JSON {j:0}/s");
        }

        await ceiling.DisposeAsync().ConfigureAwait(false);
        var more = await StreamScenarios.RunAsync(root, sqlite, durable, Pairs, notes).ConfigureAwait(false);
        await durable.DisposeAsync().ConfigureAwait(false);
        notes.Add($"Status stream: {evseIds.Count:N0} EVSEs; {StreamChanges:N0} changes per run reported by {StreamReporters} concurrent back-office clients in ReportEvseStatus batches of {ReportBatch}; "
            + "events/s = changes / time from the first report to the consumer applying the last one (a marker change reported last). "
            + "Every consumer (here and in rows 4, 5a and 7) asks for up to 100 changes per message (max_events_per_message, as the CSP endpoint's subscriber does), applies in memory and acks every 100 events.");
        notes.Add($"Request-per-change: {JsonChanges:N0} changes per run, one PUT per change with a source-generated JSON body, {JsonConcurrency} concurrent requests on one HTTP/2 mutual-TLS connection; "
            + "each change written through the same store (IEvseStatusStore: log entry + current status) on the same single batching writer.");
        return
        [
            new ResultRow(
                "2 Status stream end to end (durable log) / same stream over an in-memory log",
                $"{Stats.Spread(durableRates, "0")} events/s",
                $"{Stats.Spread(ceilingRates, "0")} events/s",
                vsCeiling,
                ">= 0.5",
                ratio => ratio >= 0.5),
            new ResultRow(
                "3 Status stream end to end / one HTTPS JSON request per change",
                $"{Stats.Spread(durableRates, "0")} events/s",
                $"{Stats.Spread(jsonRates, "0")} events/s",
                vsJson,
                ">= 10",
                ratio => ratio >= 10),
            .. more,
        ];
    }

    private static async Task<double> JsonRunAsync(HttpClient http, Uri url, StatusChanges changes, int count)
    {
        var watch = Stopwatch.StartNew();
        var remaining = count;
        var workers = Enumerable.Range(0, JsonConcurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var (evseId, status) = changes.Next();
                using var response = await http.PutAsJsonAsync(
                    new Uri(url, "evse-status/" + Uri.EscapeDataString(evseId)),
                    new StatusChange((int)status, DateTimeOffset.UtcNow),
                    BenchJsonContext.Default.StatusChange).ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
            }
        })).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return count / watch.Elapsed.TotalSeconds;
    }

    private static HttpClient JsonClient(string root)
    {
        var certificates = Path.Combine(root, "cso");
        var client = X509Certificate2.CreateFromPemFile(Path.Combine(certificates, CertificateAuthority.CertificateFile), Path.Combine(certificates, CertificateAuthority.KeyFile));
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(certificates, CertificateAuthority.CaCertificateFile)));
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = false,
            SslOptions =
            {
                ClientCertificates = [client],
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
            },
        };
        return new HttpClient(handler)
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public static GrpcChannel Channel(string root, string certificates, PartyIdentity self, Uri url, PartyIdentity expected)
    {
        var factory = PartnerChannelFactory.ForClient(Path.Combine(root, certificates), self, NullLoggerFactory.Instance);
        Factories.Add(factory);
        return factory.Get(url, expected);
    }

    public static async Task HandshakeAsync(GrpcChannel channel, PartyIdentity self, Role role, params UseCase[] useCases)
    {
        var caller = new PlatformInfo { PartyId = self.PartyId, Role = role, EndpointUrl = BenchParties.DeadUrl.ToString(), DisplayName = "Bench driver" };
        caller.UseCases.Add(useCases.Select(useCase => new UseCaseSupport { UseCase = useCase, Versions = { "v1" } }));
        await new PlatformService.PlatformServiceClient(channel)
            .HandshakeAsync(new HandshakeRequest { RequestId = Guid.NewGuid().ToString(), Caller = caller })
            .ConfigureAwait(false);
    }

    private static void Issue(CertificateAuthority ca, string root, string name, PartyIdentity identity)
    {
        using var issued = ca.Issue(identity, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(1));
        ca.SaveIssued(issued, Path.Combine(root, name));
    }

    private static string Render(IReadOnlyList<ResultRow> rows, IReadOnlyList<string> notes, TimeSpan elapsed)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("# Benchmark results").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}; .NET {Environment.Version}; "
            + $"server processes pinned to core 0 and the driver to core 1 with taskset; total run {elapsed.TotalMinutes:0.0} min.").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Each ratio: median of {Pairs} alternating pairs (min–max in brackets). Absolute numbers are this machine's only.").AppendLine();
        text.AppendLine("| Measure | Measured | Baseline | Ratio | Target | Met |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(row.Markdown());
        }

        text.AppendLine();
        foreach (var note in notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }

        return text.ToString();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? "unknown CPU"}, {Environment.OSVersion.VersionString}, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB";
    }
}
