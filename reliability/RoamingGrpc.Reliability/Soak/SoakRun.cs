using System.Diagnostics;
using System.Globalization;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Chaos;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Soak;

/// <summary>
/// <c>soak</c>: a CSO and a CSP endpoint as real processes (product defaults), the national network's rate against
/// them for the duration (status changes at the given rate over many EVSEs, the given number of charging sessions in
/// parallel), and every sample interval the processes' memory, file descriptors and threads, the queue depths the
/// CSO's metrics expose, the achieved status rate and its p99 latency; the samples and a first-versus-last-window
/// summary go to a markdown file.
/// </summary>
internal static class SoakRun
{
    public static async Task<int> RunAsync(SoakOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var workspace = Workspace.Create(options.WorkDirectory);
        await output.WriteLineAsync($"soak: {options.Duration} at {options.StatusRate:0} status changes/s over {options.Sites * options.EvsesPerSite} EVSEs, {options.Sessions} sessions in parallel; work directory {workspace.Root}").ConfigureAwait(false);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var errors = new SoakErrors();
        var interval = new Interval();
        var samples = new List<SoakSample>();
        var exitCode = 0;
        var loadAverage = LoadAverage();
        await using (var pair = RoamingPair.Create(workspace, options.CliDll, environment))
        {
            var retrying = new Retrying(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), _ => interval.Retry());
            var station = new StationSide(pair.CsoBackoffice);
            using var runEnds = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var stop = new CancellationTokenSource();
            var stationTask = Task.CompletedTask;
            var load = new List<Task>();
            try
            {
                await pair.StartAsync(TimeSpan.FromMinutes(3), cancellationToken).ConfigureAwait(false);
                var (evses, slots) = await SetUpAsync(pair, retrying, options, output, cancellationToken).ConfigureAwait(false);
                stationTask = station.RunAsync(runEnds.Token);
                load.Add(new StatusLoad(pair, retrying, evses, options.StatusRate, interval).RunAsync(stop.Token, cancellationToken));
                var random = new Random(1);
                load.AddRange(slots.Select((slot, i) => new SessionLoop(pair, retrying, station, slot, remote: i % 2 == 1, options, interval, errors)
                    .RunAsync(options.SessionLength * random.NextDouble(), stop.Token, cancellationToken)));

                using var http = new HttpClient();
                var started = Stopwatch.StartNew();
                var last = TimeSpan.Zero;
                interval.Take();
                while (started.Elapsed < options.Duration)
                {
                    var next = TimeSpan.FromTicks(Math.Min((samples.Count + 1) * options.SampleInterval.Ticks, options.Duration.Ticks));
                    await Task.Delay(next - started.Elapsed, cancellationToken).ConfigureAwait(false);
                    var sample = await SampleAsync(pair, http, interval, started.Elapsed, started.Elapsed - last, cancellationToken).ConfigureAwait(false);
                    last = sample.Elapsed;
                    samples.Add(sample);
                    await output.WriteLineAsync(SoakReport.Line(sample)).ConfigureAwait(false);
                    foreach (var exit in pair.Cso.UnexpectedExits.Concat(pair.Csp.UnexpectedExits))
                    {
                        throw new ReliabilityException(exit);
                    }
                }

                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(load).WaitAsync(TimeSpan.FromMinutes(3), cancellationToken).ConfigureAwait(false);
            }
            catch (ReliabilityException ex)
            {
                errors.Add($"run aborted: {ex.Message}");
                exitCode = 1;
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await runEnds.CancelAsync().ConfigureAwait(false);
                await stationTask.ConfigureAwait(false);
            }
        }

        var report = SoakReport.Render(options, samples, errors, loadAverage, LoadAverage(), total.Elapsed, out var growing);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutputFile))!);
        await File.WriteAllTextAsync(options.OutputFile, report, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(report).ConfigureAwait(false);
        await output.WriteLineAsync($"written to {options.OutputFile}; logs and databases in {workspace.Root}").ConfigureAwait(false);
        return exitCode != 0 || errors.Count > 0 || growing ? 1 : 0;
    }

    // The status sites, the charging sites (50 EVSEs each, one per parallel session), the tariff, and a token per
    // session, distributed to the CSO before the load starts.
    private static async Task<(List<string> Evses, List<Slot> Slots)> SetUpAsync(RoamingPair pair, Retrying retrying, SoakOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var tariff = new UpsertTariffRequest { RequestId = Guid.NewGuid().ToString(), Tariff = ChaosNetwork.FixedTariff() };
        await retrying.CallAsync("UpsertTariff", call => pair.CsoBackoffice.UpsertTariffAsync(tariff, call), cancellationToken).ConfigureAwait(false);
        var evses = new List<string>();
        for (var s = 0; s < options.Sites; s++)
        {
            var site = ChaosNetwork.Site($"SOAK-{s:D4}", $"SK{s:D4}", s, $"Soak site {s}", options.EvsesPerSite, ChaosNetwork.ChargeTariff);
            var upsert = new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site };
            await retrying.CallAsync("UpsertSite", call => pair.CsoBackoffice.UpsertSiteAsync(upsert, call), cancellationToken).ConfigureAwait(false);
            evses.AddRange(site.Evses.Select(evse => evse.EvseId));
        }

        var slots = new List<Slot>();
        for (var s = 0; s * 50 < options.Sessions; s++)
        {
            var site = ChaosNetwork.Site($"SOAK-CHARGE-{s:D2}", $"SKC{s:D2}", options.Sites + s, $"Soak charging site {s}", Math.Min(50, options.Sessions - (s * 50)), ChaosNetwork.ChargeTariff);
            var upsert = new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site };
            await retrying.CallAsync("UpsertSite", call => pair.CsoBackoffice.UpsertSiteAsync(upsert, call), cancellationToken).ConfigureAwait(false);
            slots.AddRange(site.Evses.Select(evse => new Slot(evse.EvseId, ChaosNetwork.Token("S", slots.Count))));
        }

        foreach (var slot in slots)
        {
            var issue = new IssueTokenRequest { RequestId = Guid.NewGuid().ToString(), Token = slot.Token };
            await retrying.CallAsync("IssueToken", call => pair.CspBackoffice.IssueTokenAsync(issue, call), cancellationToken).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"set up: {options.Sites + ((options.Sessions + 49) / 50)} sites, {evses.Count + slots.Count} EVSEs, {slots.Count} tokens").ConfigureAwait(false);
        return (evses, slots);
    }

    private static async Task<SoakSample> SampleAsync(RoamingPair pair, HttpClient http, Interval interval, TimeSpan elapsed, TimeSpan length, CancellationToken cancellationToken)
    {
        var (changes, latencies, sessions, retries) = interval.Take();
        latencies.Sort();
        var cso = ProcessSample.Read(pair.Cso.Pid);
        var csp = ProcessSample.Read(pair.Csp.Pid);
        var csoMetrics = await MetricsScrape.ReadAsync(http, pair.CsoMetricsPort, cancellationToken).ConfigureAwait(false);
        var cspMetrics = await MetricsScrape.ReadAsync(http, pair.CspMetricsPort, cancellationToken).ConfigureAwait(false);
        return new SoakSample(
            elapsed,
            new ProcessFigures(cso.ResidentBytes, cso.OpenFiles, cso.Threads),
            new ProcessFigures(csp.ResidentBytes, csp.OpenFiles, csp.Threads),
            csoMetrics.Sum("roaming_outbox_depth", ("partner", Parties.Csp.ToString())),
            csoMetrics.Sum("roaming_outbox_oldest_age_seconds", ("partner", Parties.Csp.ToString())),
            StatusStreamBehind(csoMetrics),
            cspMetrics.Sum("roaming_outbox_depth", ("partner", Parties.Cso.ToString())),
            changes / length.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            sessions,
            retries);
    }

    // The lag of the CSP's status stream (the RPC label names the stream); absent while no stream is open.
    private static double? StatusStreamBehind(MetricsScrape metrics)
    {
        var lags = metrics.Samples("roaming_stream_events_behind")
            .Where(sample => sample.Labels.TryGetValue("rpc", out var rpc) && rpc.Contains("WatchEvseStatus", StringComparison.Ordinal))
            .Select(sample => sample.Value)
            .ToList();
        return lags.Count == 0 ? null : lags.Max();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1))];

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
