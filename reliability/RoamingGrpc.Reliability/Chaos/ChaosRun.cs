using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// <c>chaos</c>: a CSO and a CSP endpoint as real processes; the driver plays the CSO's back office and stations
/// (status, sites, tariffs, maintenance notices, local sessions, the station side of every command) and the CSP's
/// back office and users (tokens, remote starts and stops, reservations). Every cycle kills one endpoint with SIGKILL
/// at a random moment (seeded) while the traffic flows, restarts it on the same database and port, and the traffic
/// goes on, every request retried with its request_id until answered. At the end the verifier compares what both
/// endpoints hold with what was done; any difference is a violation and the exit code is 1.
/// </summary>
internal static partial class ChaosRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(ChaosOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var workspace = Workspace.Create(options.WorkDirectory);
        await output.WriteLineAsync($"chaos: {options.Cycles} cycles of {Seconds(options.CycleLength)} s, seed {options.Seed}; work directory {workspace.Root}").ConfigureAwait(false);
        var ledger = new ChaosLedger();
        var network = ChaosNetwork.Create(statusSites: 2, evsesPerStatusSite: 40, options.LocalWorkers, options.RemoteWorkers, options.ReservationWorkers, churnSites: 6, churnTariffs: 4);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Logs for diagnosing a run: warnings, and the token list distribution the driver waits for.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__RoamingGrpc.Endpoint.Features.Tokens"] = "Information",
            // Recovery after a restart within a second or two instead of the defaults' minute of backoff.
            ["Roaming__Handshake__InitialBackoff"] = "00:00:00.200",
            ["Roaming__Handshake__MaxBackoff"] = "00:00:02",
            ["Roaming__Delivery__PollInterval"] = "00:00:01",
            // A station outcome never times out during a run on a busy machine: every command is carried out.
            ["Roaming__Charging__CommandTimeout"] = "00:30:00",
        };
        var random = new Random(options.Seed);
        int exitCode;
        await using (var pair = RoamingPair.Create(workspace, options.CliDll, environment))
        {
            var retrying = new Retrying(TimeSpan.FromSeconds(20), TimeSpan.FromMinutes(4), ledger.Retry);
            var station = new StationSide(pair.CsoBackoffice);
            var context = new ChaosContext(pair, retrying, station, network, ledger);
            using var runEnds = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task stationTask = Task.CompletedTask;
            try
            {
                await pair.StartAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"endpoints up: CSO {pair.CsoUrl} (pid {pair.Cso.Pid}), CSP {pair.CspUrl} (pid {pair.Csp.Pid}); {Seconds(total.Elapsed)} s").ConfigureAwait(false);
                await SetUpAsync(context, output, cancellationToken).ConfigureAwait(false);
                stationTask = station.RunAsync(runEnds.Token);
                var workloads = Workloads(context, options, random);
                var failed = new HashSet<string>(StringComparer.Ordinal);
                for (var cycle = 1; cycle <= options.Cycles; cycle++)
                {
                    await CycleAsync(context, options, workloads, failed, random, cycle, output, cancellationToken).ConfigureAwait(false);
                }

                foreach (var exit in pair.Cso.UnexpectedExits.Concat(pair.Csp.UnexpectedExits))
                {
                    ledger.Violation(exit);
                }

                await output.WriteLineAsync($"traffic done after {Seconds(total.Elapsed)} s; settling and verifying").ConfigureAwait(false);
                var verifier = new ChaosVerifier(context, TimeSpan.FromMinutes(3));
                var cso = await verifier.CheckRunningAsync(cancellationToken).ConfigureAwait(false);
                await runEnds.CancelAsync().ConfigureAwait(false);
                await stationTask.ConfigureAwait(false);
                foreach (var process in new[] { pair.Cso, pair.Csp })
                {
                    var code = await process.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    if (code != 0)
                    {
                        ledger.Violation($"{process.Name} did not stop cleanly on SIGTERM (exit {code?.ToString(CultureInfo.InvariantCulture) ?? "none: killed after 30 s"})");
                    }
                }

                verifier.CheckFiles(cso);
                await ReportAsync(options, context, verifier, total.Elapsed, output).ConfigureAwait(false);
            }
            catch (ReliabilityException ex)
            {
                ledger.Violation($"run aborted: {ex.Message}");
                await output.WriteLineAsync($"run aborted: {ex.Message}").ConfigureAwait(false);
            }
            catch (Grpc.Core.RpcException ex)
            {
                // An answer outside the contract during set-up or verification (the workers report their own).
                ledger.Violation($"run aborted by an unexpected answer: {ex.StatusCode} ({ex.Status.Detail})");
                await output.WriteLineAsync($"run aborted: {ex.Status}").ConfigureAwait(false);
            }
            finally
            {
                await runEnds.CancelAsync().ConfigureAwait(false);
                await stationTask.ConfigureAwait(false);
            }

            exitCode = ledger.Violations.Count == 0 ? 0 : 1;
            if (exitCode != 0)
            {
                await output.WriteLineAsync($"VIOLATIONS ({ledger.Violations.Count}):").ConfigureAwait(false);
                foreach (var violation in ledger.Violations.Take(200))
                {
                    await output.WriteLineAsync($"  - {violation}").ConfigureAwait(false);
                }

                await output.WriteLineAsync($"logs and databases kept in {workspace.Root}").ConfigureAwait(false);
            }
        }

        if (exitCode == 0 && !options.KeepWorkDirectory && options.WorkDirectory is null)
        {
            Directory.Delete(workspace.Root, recursive: true);
        }

        await output.WriteLineAsync(exitCode == 0 ? $"chaos: PASSED in {Seconds(total.Elapsed)} s" : $"chaos: FAILED in {Seconds(total.Elapsed)} s").ConfigureAwait(false);
        return exitCode;
    }

    // The fixed network, published once; the tokens, issued at the CSP and distributed to the CSO before any kill (the
    // CSO's offline decisions need them).
    private static async Task SetUpAsync(ChaosContext context, TextWriter output, CancellationToken cancellationToken)
    {
        var pair = context.Pair;
        var tariff = new UpsertTariffRequest { RequestId = Guid.NewGuid().ToString(), Tariff = ChaosNetwork.FixedTariff() };
        var storedTariff = await context.Retrying.CallAsync("UpsertTariff", options => pair.CsoBackoffice.UpsertTariffAsync(tariff, options), cancellationToken).ConfigureAwait(false);
        context.Ledger.Publish("tariff", storedTariff.Tariff.TariffId, storedTariff.Tariff.Version, false, string.Empty);
        foreach (var site in context.Network.FixedSites)
        {
            var upsert = new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site };
            var stored = await context.Retrying.CallAsync("UpsertSite", options => pair.CsoBackoffice.UpsertSiteAsync(upsert, options), cancellationToken).ConfigureAwait(false);
            context.Ledger.Publish("site", stored.Site.SiteId, stored.Site.Version, false, stored.Site.Name);
        }

        var tokens = 0;
        foreach (var token in context.Network.Tokens)
        {
            var issue = new IssueTokenRequest { RequestId = Guid.NewGuid().ToString(), Token = token };
            await context.Retrying.CallAsync("IssueToken", options => pair.CspBackoffice.IssueTokenAsync(issue, options), cancellationToken).ConfigureAwait(false);
            tokens++;
        }

        // The CSP logs each distribution of its token list (with the list version); a fresh CSP's version is the
        // number of token changes, here the tokens issued.
        await WaitForLogAsync(pair.Csp, TokenListVersion(), version => version >= tokens, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"set up: {context.Network.FixedSites.Count} sites, {tokens} tokens distributed to the CSO").ConfigureAwait(false);
    }

    // The workloads live across cycles (their state: the next status per EVSE, revisions, open notices); each cycle
    // runs every one until the cycle ends and its current flow is complete.
    private static List<(string Name, Func<CancellationToken, CancellationToken, Task> Run)> Workloads(ChaosContext context, ChaosOptions options, Random random)
    {
        var status = new StatusTraffic(context, options.StatusRate, 40);
        var publish = new PublishTraffic(context, new Random(random.Next()), options.PublishRate);
        var workloads = new List<(string, Func<CancellationToken, CancellationToken, Task>)> { ("status", status.RunAsync), ("publish", publish.RunAsync) };
        workloads.AddRange(context.Network.LocalSlots.Select((slot, i) => ($"local charging {i}", (Func<CancellationToken, CancellationToken, Task>)new LocalCharging(context, slot, new Random(random.Next())).RunAsync)));
        workloads.AddRange(context.Network.RemoteSlots.Select((slot, i) => ($"remote charging {i}", (Func<CancellationToken, CancellationToken, Task>)new RemoteCharging(context, slot).RunAsync)));
        workloads.AddRange(context.Network.ReservationSlots.Select((slot, i) => ($"reservations {i}", (Func<CancellationToken, CancellationToken, Task>)new ReservationTraffic(context, slot).RunAsync)));
        return workloads;
    }

    private static async Task CycleAsync(
        ChaosContext context,
        ChaosOptions options,
        List<(string Name, Func<CancellationToken, CancellationToken, Task> Run)> workloads,
        HashSet<string> failed,
        Random random,
        int cycle,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var workers = workloads.Where(workload => !failed.Contains(workload.Name))
            .Select(workload => RunWorkerAsync(context, workload.Name, failed, workload.Run(stop.Token, cancellationToken)))
            .ToList();

        var role = random.Next(2) == 0 ? PartyRole.Cso : PartyRole.Csp;
        var killAt = options.CycleLength * (0.1 + (0.8 * random.NextDouble()));
        var down = TimeSpan.FromMilliseconds(random.Next(0, 1500));
        await Task.Delay(killAt, cancellationToken).ConfigureAwait(false);
        var process = context.Pair.Of(role);
        await process.KillAsync().ConfigureAwait(false);
        context.Ledger.Killed(role == PartyRole.Cso);
        await Task.Delay(down, cancellationToken).ConfigureAwait(false);
        process.Start();
        await context.Pair.WaitServingAsync(role, StartTimeout, cancellationToken).ConfigureAwait(false);
        var serving = watch.Elapsed - killAt;
        var rest = options.CycleLength - watch.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest, cancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        var drained = Task.WhenAll(workers);
        if (await Task.WhenAny(drained, Task.Delay(TimeSpan.FromMinutes(5), cancellationToken)).ConfigureAwait(false) != drained)
        {
            throw new ReliabilityException($"cycle {cycle}: the workers did not finish their flows within 5 minutes of the cycle's end");
        }

        await output.WriteLineAsync(
            $"cycle {cycle}/{options.Cycles}: SIGKILL {role.ToName().ToUpperInvariant()} at {Seconds(killAt)} s, down {Seconds(down)} s, serving again {Seconds(serving)} s after the kill; "
            + $"cycle {Seconds(watch.Elapsed)} s; so far {context.Ledger.StatusChanges} status changes, {context.Ledger.LocalStarts + context.Ledger.RemoteStarts} sessions, "
            + $"{context.Ledger.ReservationCount} reservations, {context.Ledger.Retries.Values.Sum()} retries, {context.Ledger.Violations.Count} violations").ConfigureAwait(false);
    }

    // A worker that fails (an answer that is not the contract's, a call never answered) is a violation; it stops, so
    // that its EVSE's state stays as the failure left it for the final checks.
    private static async Task RunWorkerAsync(ChaosContext context, string name, HashSet<string> failed, Task work)
    {
        try
        {
            await work.ConfigureAwait(false);
            return;
        }
        catch (Grpc.Core.RpcException ex)
        {
            context.Ledger.Violation($"{name}: unexpected answer {ex.StatusCode} ({ex.Status.Detail})");
        }
        catch (ReliabilityException ex)
        {
            context.Ledger.Violation($"{name}: {ex.Message}");
        }
        catch (TimeoutException ex)
        {
            context.Ledger.Violation($"{name}: {ex.Message}");
        }

        lock (failed)
        {
            failed.Add(name);
        }
    }

    private static async Task WaitForLogAsync(EndpointProcess process, Regex pattern, Func<long, bool> done, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            using (var stream = new FileStream(process.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream))
            {
                var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                if (pattern.Matches(text).Any(match => done(long.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture))))
                {
                    return;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }

        throw new ReliabilityException($"{process.Name}: the expected log line did not appear within {Seconds(timeout)} s (see {process.LogFile})");
    }

    private static async Task ReportAsync(ChaosOptions options, ChaosContext context, ChaosVerifier verifier, TimeSpan elapsed, TextWriter output)
    {
        var ledger = context.Ledger;
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"cycles: {options.Cycles} (seed {options.Seed}); kills: CSO {ledger.CsoKills}, CSP {ledger.CspKills}; time {Seconds(elapsed)} s");
        text.AppendLine(CultureInfo.InvariantCulture, $"status changes reported: {ledger.StatusChanges} in {ledger.StatusBatches} calls; in the CSO's status log at the end: {verifier.StatusLogEntries}");
        text.AppendLine(CultureInfo.InvariantCulture, $"sessions: {ledger.LocalStarts} local (PresentToken), {ledger.RemoteStarts} remote starts; authorizations {ledger.AuthorizationCount}, repeated with the same request_id {ledger.AuthorizationRepeats}");
        text.AppendLine(CultureInfo.InvariantCulture, $"reservations: {ledger.ReservationCount}; commands carried out by the station: {ledger.Commands.Count}; station command stream opened {context.Station.Opened} times, command redeliveries {context.Station.Deliveries.Values.Sum(count => count - 1)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"driver changes per kind: {string.Join(", ", ledger.Changes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value}"))}");
        text.AppendLine("pushes per kind (records at the CSO / their versions, i.e. versions pushed / records held by the CSP):");
        foreach (var (kind, records, versions, held) in verifier.PushCounts)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {kind,-18} {records,6} / {versions,7} / {held,6}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"retries (same request_id): {ledger.Retries.Values.Sum()} ({string.Join(", ", ledger.Retries.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} {pair.Value}"))})");
        text.AppendLine(CultureInfo.InvariantCulture, $"violations: {ledger.Violations.Count}");
        await output.WriteAsync(text.ToString()).ConfigureAwait(false);
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?:token list version (?<version>\d+)|token list DELTA \d+ -> (?<version>\d+))")]
    private static partial Regex TokenListVersion();
}
