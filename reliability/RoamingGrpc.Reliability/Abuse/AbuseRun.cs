using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// <c>abuse</c>: a CSO and a CSP endpoint as real processes; a legitimate partner calls the CSO at a fixed rate through
/// every phase (<see cref="LegitimatePartner"/>); after its baseline, each attack runs against the CSO for a bounded
/// time, and the bounds are checked around it: the CSO alive and SERVING, its memory, the partner's p99 and failures,
/// new connections getting through, the log lines, the refusal counts, and the attack's own checks. Prints a markdown
/// table; exit code 1 on any bound violated.
/// </summary>
internal static class AbuseRun
{
    /// <summary>The partner's p99 under attack may be this many times its baseline p99 ...</summary>
    public const double LatencyFactor = 3;

    /// <summary>
    /// ... where the baseline is taken as at least this: a p99 of a few milliseconds on a busy 2-core machine is the
    /// scheduler's noise (a time slice is 4 ms), and 3 x 1 ms would fail on any hiccup of the machine, not of the server.
    /// </summary>
    public static readonly TimeSpan LatencyFloor = TimeSpan.FromMilliseconds(5);

    /// <summary>The same floor for a new connection's handshake and first call (a few ECDSA operations and a TLS 1.3 round trip).</summary>
    public static readonly TimeSpan FreshConnectionFloor = TimeSpan.FromMilliseconds(50);

    /// <summary>The attacks in the order they run.</summary>
    public static readonly IReadOnlyList<string> AttackNames = ["idle-flood", "stalled-tls", "refused-certificates", "malformed", "slow-bodies", "revoked-stream"];

    // The product's defaults the run leaves as they are (README, Limits under load); the attacks are sized against them.
    internal static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(3);
    internal const int MaxUnauthenticatedConnections = 1000;
    internal const int MaxConcurrentCallsPerPartner = 200;

    // The network of the run: one site of two EVSEs, authorizations at the first, status changes at the second.
    internal const string SiteId = "ABUSE-SITE";
    internal static readonly string EvseId = $"{Parties.Cso.PartyId}*EABUSE*1";
    internal static readonly string StatusEvseId = $"{Parties.Cso.PartyId}*EABUSE*2";

    // Certificates the run issues besides the workspace's (directories under certs/).
    internal const string SecondCspCertificates = "csp-second";
    internal const string MaliciousCertificates = "malicious-csp";
    internal const string ForeignCertificates = "foreign-csp";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    // The endpoints compile their code paths on first use (JIT, tiered compilation): the first seconds are not the baseline.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(15);
    private static readonly PartyIdentity MaliciousPartner = PartyIdentity.Create(PartyRole.Csp, "DE-MAL");
    private const string TariffId = "ABUSE-AC";

    public static async Task<int> RunAsync(AbuseOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var workspace = Workspace.Create(options.WorkDirectory);
        await output.WriteLineAsync($"abuse: baseline {Seconds(options.Baseline)} s, attacks of {Seconds(options.AttackDuration)} s; work directory {workspace.Root}").ConfigureAwait(false);
        IssueMoreCertificates(workspace);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Everything else is the product's defaults, logging included: the log lines counted are an operator's.
            ["Roaming__Limits__RequestReceiveTimeout"] = options.ReceiveTimeout.ToString("c", CultureInfo.InvariantCulture),
            ["Roaming__Limits__RefusalLogInterval"] = options.RefusalLogInterval.ToString("c", CultureInfo.InvariantCulture),
        };
        var runViolations = new List<string>();
        var rows = new List<AttackRow>();
        var quiet = new List<AttackRow>();
        AttackRow? baseline = null;
        long memoryBound = 0;
        await using (var pair = RoamingPair.Create(workspace, options.CliDll, environment, [$"csp:{MaliciousPartner.PartyId}"]))
        {
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task load = Task.CompletedTask;
            Task sampling = Task.CompletedTask;
            using var watch = new ServerWatch(pair, workspace);
            using var attackSet = new AttackSet(workspace, pair.CsoUrl, options);
            AttackProcess.WriteSettings(workspace, new AttackProcess.Settings(options, pair.CsoUrl));
            try
            {
                await pair.StartAsync(StartTimeout, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"endpoints up: CSO {pair.CsoUrl} (pid {pair.Cso.Pid}), CSP {pair.CspUrl} (pid {pair.Csp.Pid}); {Seconds(total.Elapsed)} s").ConfigureAwait(false);
                var token = await SetUpAsync(pair, cancellationToken).ConfigureAwait(false);
                var partner = new LegitimatePartner(pair, workspace, options, SiteId, EvseId, token);
                load = partner.RunAsync(stopLoad.Token);
                sampling = watch.SampleAsync(stopLoad.Token);
                await Task.Delay(WarmUp, cancellationToken).ConfigureAwait(false);

                baseline = await QuietAsync("baseline", options.Baseline, partner, watch, cancellationToken).ConfigureAwait(false);
                memoryBound = watch.Resident + options.MemoryAllowanceBytes;
                await output.WriteLineAsync(Describe(baseline)).ConfigureAwait(false);
                quiet.Add(baseline);
                foreach (var attack in attackSet.All.Where(attack => options.Attacks.Count == 0 || options.Attacks.Contains(attack.Name)))
                {
                    // A quiet window before every attack after the first: the partner's latency without attack,
                    // sampled through the whole run (the machine's other load drifts), the reference of the bounds.
                    var before = rows.Count == 0 ? baseline : await QuietAsync("before " + attack.Name, options.QuietWindow, partner, watch, cancellationToken).ConfigureAwait(false);
                    if (rows.Count > 0)
                    {
                        quiet.Add(before);
                    }

                    var row = await AttackAsync(attack, workspace, options, partner, watch, before, memoryBound, cancellationToken).ConfigureAwait(false);
                    rows.Add(row);
                    await output.WriteLineAsync(Describe(row)).ConfigureAwait(false);
                    if (!watch.Alive)
                    {
                        break;
                    }
                }

                if (watch.Alive)
                {
                    // And one after the last: the partner is served as before once the attacks are over.
                    var after = await QuietAsync("after", options.QuietWindow, partner, watch, cancellationToken).ConfigureAwait(false);
                    quiet.Add(after);
                    await output.WriteLineAsync(Describe(after)).ConfigureAwait(false);
                }

                await stopLoad.CancelAsync().ConfigureAwait(false);
                await load.ConfigureAwait(false);
                await sampling.ConfigureAwait(false);
                foreach (var process in new[] { pair.Cso, pair.Csp })
                {
                    runViolations.AddRange(process.UnexpectedExits);
                    var code = await process.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    if (code != 0)
                    {
                        runViolations.Add($"{process.Name} did not stop cleanly on SIGTERM (exit {code?.ToString(CultureInfo.InvariantCulture) ?? "none: killed after 30 s"})");
                    }
                }
            }
            catch (Exception ex) when (ex is ReliabilityException or RpcException)
            {
                runViolations.Add($"run aborted: {ex.Message}");
            }
            finally
            {
                await stopLoad.CancelAsync().ConfigureAwait(false);
                await load.ConfigureAwait(false);
                await sampling.ConfigureAwait(false);
            }
        }

        rows = [.. rows.Select(row => CheckPartner(row, quiet, options.LatencyBounds))];
        runViolations.AddRange(quiet.SelectMany(window => window.Violations));
        var passed = baseline is not null && runViolations.Count == 0 && rows.All(row => row.Passed);
        if (baseline is not null)
        {
            var report = AbuseReport.Markdown(options, quiet, rows, memoryBound, runViolations, total.Elapsed);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteAsync(report).ConfigureAwait(false);
            if (options.OutputFile is not null)
            {
                await File.WriteAllTextAsync(options.OutputFile, report, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            foreach (var violation in runViolations)
            {
                await output.WriteLineAsync($"VIOLATION: {violation}").ConfigureAwait(false);
            }
        }

        if (passed && !options.KeepWorkDirectory && options.WorkDirectory is null)
        {
            Directory.Delete(workspace.Root, recursive: true);
        }
        else
        {
            await output.WriteLineAsync($"logs and databases kept in {workspace.Root}").ConfigureAwait(false);
        }

        await output.WriteLineAsync(passed ? $"abuse: PASSED in {Seconds(total.Elapsed)} s" : $"abuse: FAILED in {Seconds(total.Elapsed)} s").ConfigureAwait(false);
        return passed ? 0 : 1;
    }

    // A phase without an attack: the partner's latencies, the CSO's memory, CPU and log lines.
    private static async Task<AttackRow> QuietAsync(string name, TimeSpan duration, LegitimatePartner partner, ServerWatch watch, CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        if (!await watch.SettleAsync(SettleTimeout, cancellationToken).ConfigureAwait(false))
        {
            violations.Add($"connections of the previous attack were still in the handshake {Seconds(SettleTimeout)} s after it");
        }

        watch.MarkLog();
        var refusalsBefore = await watch.RefusalsAsync(cancellationToken).ConfigureAwait(false);
        var residentBefore = watch.Resident;
        watch.TakePeak();
        var cpu = watch.CpuTime();
        partner.NextPhase();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        var measured = partner.NextPhase();
        var (csoCores, driverCores) = Cores(cpu, watch.CpuTime(), duration);
        var row = new AttackRow
        {
            Name = name,
            Title = "no attack",
            Size = "-",
            Duration = duration,
            Reads = measured.Reads.Summarize(),
            Authorizations = measured.Authorizations.Summarize(),
            FreshConnections = measured.FreshConnections.Summarize(),
            ResidentBefore = residentBefore,
            ResidentPeak = watch.TakePeak(),
            CsoCores = csoCores,
            DriverCores = driverCores,
            LogLines = watch.LinesSinceMark().Count,
            Refusals = Delta(refusalsBefore, await watch.RefusalsAsync(cancellationToken).ConfigureAwait(false)),
        };
        foreach (var failure in row.Reads.Failures.Concat(row.Authorizations.Failures).Concat(row.FreshConnections.Failures).Distinct().Take(10))
        {
            violations.Add($"the legitimate partner failed without an attack ({name}): {failure}");
        }

        return row with { Violations = violations };
    }

    private static async Task<AttackRow> AttackAsync(IAttack attack, Workspace workspace, AbuseOptions options, LegitimatePartner partner, ServerWatch watch, AttackRow before, long memoryBound, CancellationToken cancellationToken)
    {
        // The partner's own traffic is logged too (each authorization at Information): the attack may add its refusal
        // budget to what the quiet window before it wrote in the same time.
        var logRate = before.LogLines / before.Duration.TotalSeconds;
        var violations = new List<string>();
        if (!await watch.SettleAsync(SettleTimeout, cancellationToken).ConfigureAwait(false))
        {
            violations.Add($"connections of the previous attack were still in the handshake {Seconds(SettleTimeout)} s after it");
        }

        watch.MarkLog();
        var window = Stopwatch.StartNew();
        var refusalsBefore = await watch.RefusalsAsync(cancellationToken).ConfigureAwait(false);
        var residentBefore = watch.Resident;
        var cpu = watch.CpuTime();
        var attackClock = Stopwatch.StartNew();

        // The phase begins when the attack process has started and says the attack begins.
        var report = await AttackProcess.RunAsync(workspace, attack.Name, () =>
        {
            watch.TakePeak();
            cpu = watch.CpuTime();
            attackClock.Restart();
            partner.NextPhase();
        }, cancellationToken).ConfigureAwait(false);
        var measured = partner.NextPhase();
        var (csoCores, driverCores) = watch.Alive ? Cores(cpu, watch.CpuTime(), attackClock.Elapsed) : (0, 0);
        var outcome = new AttackOutcome { Done = report.Done };
        outcome.ExpectedRefusals.AddRange(report.ExpectedRefusals);
        report.Violations.ForEach(outcome.Violation);
        if (!await watch.SettleAsync(SettleTimeout, cancellationToken).ConfigureAwait(false))
        {
            violations.Add($"connections of the attack were still in the handshake {Seconds(SettleTimeout)} s after it");
        }

        var alive = watch.Alive;
        var health = alive ? await watch.HealthAsync(cancellationToken).ConfigureAwait(false) : "process gone";
        var refusals = alive ? Delta(refusalsBefore, await watch.RefusalsAsync(cancellationToken).ConfigureAwait(false)) : [];
        var peak = watch.TakePeak();
        var lines = watch.LinesSinceMark();
        var logBound = attack.LogLineBound(options.AttackDuration, options.RefusalLogInterval) + (int)Math.Ceiling(logRate * window.Elapsed.TotalSeconds * 1.25);
        var row = new AttackRow
        {
            Name = attack.Name,
            Title = attack.Title,
            Size = attack.Size,
            Duration = options.AttackDuration,
            Reads = measured.Reads.Summarize(),
            Authorizations = measured.Authorizations.Summarize(),
            FreshConnections = measured.FreshConnections.Summarize(),
            ResidentBefore = residentBefore,
            ResidentPeak = peak,
            CsoCores = csoCores,
            DriverCores = driverCores,
            AttackerCores = report.CpuSeconds / attackClock.Elapsed.TotalSeconds,
            LogLines = lines.Count,
            LogLineBound = logBound,
            Refusals = refusals,
            Done = outcome.Done,
            Before = before,
        };

        violations.AddRange(outcome.Violations);
        if (!alive)
        {
            violations.Add("the CSO process is gone");
        }
        else if (health != "SERVING")
        {
            violations.Add($"the CSO's health after the attack: {health}");
        }

        if (peak > memoryBound)
        {
            violations.Add($"the CSO's resident set reached {peak / 1024 / 1024} MiB (bound {memoryBound / 1024 / 1024} MiB)");
        }

        if (lines.Count > logBound)
        {
            violations.Add($"the CSO wrote {lines.Count} log lines (bound {logBound}), e.g. {string.Join(" | ", lines.Take(4))}");
        }

        foreach (var reason in outcome.ExpectedRefusals.Where(reason => refusals.GetValueOrDefault(reason) <= 0))
        {
            violations.Add($"roaming_refusals_total{{reason=\"{reason}\"}} did not grow");
        }

        return row with { Violations = violations };
    }

    /// <summary>
    /// The legitimate partner's bounds of an attack: no failed call, and its p99 (each flow) and its slowest new
    /// connection within <see cref="LatencyFactor"/> times the worst of the run's quiet windows (floored). On a shared
    /// 2-core machine the p99 without any attack varies tenfold between windows a minute apart: the reference is the
    /// noise the partner saw without attack in this run, and an attack may not make it three times worse. Without
    /// <paramref name="latencyBounds"/> (the CI run) the latencies are measured and reported only; failures still count.
    /// </summary>
    private static AttackRow CheckPartner(AttackRow row, IReadOnlyList<AttackRow> quiet, bool latencyBounds)
    {
        var violations = new List<string>(row.Violations);
        var ratio = 0.0;
        foreach (var (flow, now, reference) in new[]
        {
            ("GetSite", row.Reads, quiet.Max(window => window.Reads.P99)),
            ("PresentToken", row.Authorizations, quiet.Max(window => window.Authorizations.P99)),
        })
        {
            var floored = Math.Max(reference, LatencyFloor.TotalMilliseconds);
            ratio = Math.Max(ratio, now.P99 / floored);
            if (latencyBounds && now.P99 > LatencyFactor * floored)
            {
                violations.Add($"the partner's {flow} p99 was {now.P99:F1} ms, above {LatencyFactor:0} x {floored:F1} ms (the worst quiet window's)");
            }

            if (now.Failures.Count > 0)
            {
                violations.Add($"{now.Failures.Count} of the partner's {flow} calls failed, e.g. {now.Failures[0]}");
            }

            if (now.Calls == 0)
            {
                violations.Add($"the partner's {flow} calls got no answer during the attack");
            }
        }

        var freshBound = LatencyFactor * Math.Max(quiet.Max(window => window.FreshConnections.Max), FreshConnectionFloor.TotalMilliseconds);
        if (row.FreshConnections.Failures.Count > 0)
        {
            violations.Add($"{row.FreshConnections.Failures.Count} new partner connections failed, e.g. {row.FreshConnections.Failures[0]}");
        }

        if (latencyBounds && row.FreshConnections.Max > freshBound)
        {
            violations.Add($"a new partner connection's first call took {row.FreshConnections.Max:F0} ms, above {freshBound:F0} ms");
        }

        return row with { Ratio = ratio, Violations = violations };
    }

    // The fixed network (a tariff, one site of two EVSEs: authorizations at the first, status changes at the second)
    // and a token of the CSP that is blocked: authorizing it is the same work every time and starts no session.
    private static async Task<Token> SetUpAsync(RoamingPair pair, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var tariff = new Tariff
        {
            TariffId = TariffId,
            Currency = "EUR",
            Elements = { new TariffElement { PriceComponents = { new PriceComponent { Type = TariffDimensionType.Energy, Price = new Money { CurrencyCode = "EUR", Amount = "0.39" }, VatPercent = "19", StepSize = 1 } } } },
        };
        await pair.CsoBackoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = Guid.NewGuid().ToString(), Tariff = tariff }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
        var site = new Site
        {
            SiteId = SiteId,
            Name = "Abuse run site",
            Address = "Prüfstrasse 1",
            City = "Berlin",
            PostalCode = "10115",
            CountryCode = "DE",
            Coordinates = new GeoLocation { Latitude = 52.52, Longitude = 13.40 },
            TimeZone = "Europe/Berlin",
            OpeningHours = new OpeningHours { Twentyfourseven = true },
        };
        foreach (var evseId in new[] { EvseId, StatusEvseId })
        {
            site.Evses.Add(new Evse
            {
                EvseId = evseId,
                Capabilities = { EvseCapability.RfidReader },
                Connectors =
                {
                    new Connector
                    {
                        ConnectorId = "1",
                        Standard = ConnectorStandard.Iec62196T2,
                        Format = ConnectorFormat.Socket,
                        PowerType = PowerType.Ac3Phase,
                        MaxVoltage = 400,
                        MaxAmperage = 32,
                        MaxElectricPower = 22_000,
                        TariffIds = { TariffId },
                    },
                },
            });
        }

        await pair.CsoBackoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
        var token = new Token
        {
            Uid = "AB05E0000001",
            Type = TokenType.Rfid,
            ContractId = $"{Parties.Csp.PartyId}-CABUSE001",
            Valid = false,
            Whitelist = WhitelistType.Allowed,
            Issuer = "Abuse driver",
        };
        await pair.CspBackoffice.IssueTokenAsync(new IssueTokenRequest { RequestId = Guid.NewGuid().ToString(), Token = token }, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
        return token;
    }

    // A second certificate of the CSP (to be revoked), a CSP certificate of a foreign CA naming the CSP (an impostor),
    // and the certificate of the malicious partner, a CSP the CSO has an agreement with.
    private static void IssueMoreCertificates(Workspace workspace)
    {
        using var ca = CertificateAuthority.Load(workspace.Certificates("ca"));
        Issue(ca, workspace.Certificates(SecondCspCertificates), Parties.Csp);
        Issue(ca, workspace.Certificates(MaliciousCertificates), MaliciousPartner);
        using var foreign = CertificateAuthority.Create("Foreign CA", TimeSpan.FromDays(7));
        Issue(foreign, workspace.Certificates(ForeignCertificates), Parties.Csp);
    }

    private static void Issue(CertificateAuthority ca, string directory, PartyIdentity identity)
    {
        using var issued = ca.Issue(identity, ["localhost"], [IPAddress.Loopback], TimeSpan.FromDays(7));
        ca.SaveIssued(issued, directory);
    }

    private static (double Cso, double Driver) Cores((TimeSpan Cso, TimeSpan Driver) before, (TimeSpan Cso, TimeSpan Driver) after, TimeSpan elapsed) =>
        ((after.Cso - before.Cso) / elapsed, (after.Driver - before.Driver) / elapsed);

    private static Dictionary<string, double> Delta(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(pair => pair.Key, pair => pair.Value - before.GetValueOrDefault(pair.Key), StringComparer.Ordinal);

    private static string Describe(AttackRow row) => string.Create(
        CultureInfo.InvariantCulture,
        $"{row.Name}: reads p50/p99 {row.Reads.P50:F1}/{row.Reads.P99:F1} ms ({row.Reads.Calls}, {row.Reads.Failures.Count} failed), authorize {row.Authorizations.P50:F1}/{row.Authorizations.P99:F1} ms ({row.Authorizations.Calls}, {row.Authorizations.Failures.Count} failed), new connections {row.FreshConnections.Calls} slowest {row.FreshConnections.Max:F0} ms ({row.FreshConnections.Failures.Count} failed); RSS {row.ResidentBefore / 1024 / 1024}/{row.ResidentPeak / 1024 / 1024} MiB; CPU CSO {row.CsoCores:F2}, partner {row.DriverCores:F2}, attacker {row.AttackerCores:F2} cores; {row.LogLines} log lines; {(row.Passed ? "ok" : string.Join("; ", row.Violations))}{(row.Done.Length > 0 ? " -- " + row.Done : string.Empty)}");

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
}
