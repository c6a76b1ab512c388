using System.CommandLine;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>The <c>abuse</c> command: its options (the defaults of <see cref="AbuseOptions"/>, or of <see cref="AbuseOptions.Quick"/> with <c>--quick</c>).</summary>
internal static class AbuseCommandLine
{
    public static Command Command(Option<FileInfo> cli, Option<DirectoryInfo> work, Func<FileInfo?, string> cliDll)
    {
        var full = new AbuseOptions { CliDll = string.Empty };
        var quick = new Option<bool>("--quick") { Description = "The CI run: every attack, shorter and smaller (about 2 minutes); the options below override it." };
        var baseline = Duration("--baseline", $"The legitimate partner's baseline before the attacks (default {full.Baseline.TotalSeconds:0}s).");
        var quietWindow = Duration("--quiet-window", $"The window without attack before each attack after the first, the reference of its latency bounds (default {full.QuietWindow.TotalSeconds:0}s).");
        var attackDuration = Duration("--attack-duration", $"How long each attack runs (default {full.AttackDuration.TotalSeconds:0}s).");
        var readRate = Number("--read-rate", $"The partner's GetSite calls per second (default {full.ReadRate:0}, on {full.ReadConcurrency} callers).");
        var authorizeRate = Number("--authorize-rate", $"Authorizations (PresentToken -> AuthorizeToken) per second (default {full.AuthorizeRate:0}, on {full.AuthorizeConcurrency} callers).");
        var floodConnections = Count("--flood-connections", $"idle-flood: connections held at most (default {full.FloodConnections}).");
        var floodRate = Number("--flood-rate", $"idle-flood: connection attempts per second at most (default {full.FloodRate:0}).");
        var stallSources = Count("--stall-sources", $"stalled-tls: source addresses (default {full.StallSources}).");
        var stallPerSource = Count("--stall-per-source", $"stalled-tls: connections per source (default {full.StallPerSource}).");
        var stallRate = Number("--stall-rate", $"stalled-tls: connection attempts per second at most (default {full.StallRate:0}).");
        var handshakeRate = Number("--handshake-rate", $"refused-certificates: handshakes per second (default {full.HandshakeRate:0}).");
        var malformedRate = Number("--malformed-rate", $"malformed: calls per second (default {full.MalformedRate:0}).");
        var slowCalls = Count("--slow-calls", $"slow-bodies: trickling calls per connection, 2 connections (default {full.SlowCallsPerConnection}).");
        var revokedStreams = Count("--revoked-streams", $"revoked-stream: streams of the revoked certificate (default {full.RevokedStreams}).");
        var memory = Count("--memory-allowance", $"MiB the CSO's resident set may grow over its size after the baseline (default {full.MemoryAllowanceBytes / 1024 / 1024}).");
        var attacks = new Option<string[]>("--attacks") { Description = $"Only these attacks, comma separated: {string.Join(", ", AbuseRun.AttackNames)} (default all).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--out") { Description = "Also write the markdown report to this file." };
        var keep = new Option<bool>("--keep") { Description = "Keep the work directory (logs, databases) also when the run passes." };
        var attackProcess = new Option<string>("--attack-process") { Description = "Internal: run this attack of the run in --work (the run starts its attacks so).", Hidden = true };
        var command = new Command("abuse", "Attack a CSO endpoint (connection floods, refused certificates, malformed messages, slow request bodies, a revoked certificate's open streams) while a legitimate partner calls it; check that the server stays up and bounded in memory and log lines, and that the partner's p99 stays within 3x its baseline. Prints a markdown table; exit 1 on any bound violated.")
        {
            quick, baseline, quietWindow, attackDuration, readRate, authorizeRate, floodConnections, floodRate, stallSources, stallPerSource, stallRate, handshakeRate, malformedRate, slowCalls, revokedStreams, memory, attacks, output, cli, work, keep, attackProcess,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(attackProcess) is { } attack)
            {
                var root = parse.GetValue(work)?.FullName ?? throw new ReliabilityException("--attack-process needs --work");
                return await AttackProcess.ServeAsync(root, attack, parse.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
            }

            var dll = cliDll(parse.GetValue(cli));
            var start = parse.GetValue(quick) ? AbuseOptions.Quick(dll) : new AbuseOptions { CliDll = dll };
            var names = (parse.GetValue(attacks) ?? []).SelectMany(text => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
            var options = start with
            {
                Baseline = parse.GetValue(baseline) ?? start.Baseline,
                QuietWindow = parse.GetValue(quietWindow) ?? start.QuietWindow,
                AttackDuration = parse.GetValue(attackDuration) ?? start.AttackDuration,
                ReadRate = parse.GetValue(readRate) ?? start.ReadRate,
                AuthorizeRate = parse.GetValue(authorizeRate) ?? start.AuthorizeRate,
                FloodConnections = parse.GetValue(floodConnections) ?? start.FloodConnections,
                FloodRate = parse.GetValue(floodRate) ?? start.FloodRate,
                StallSources = parse.GetValue(stallSources) ?? start.StallSources,
                StallPerSource = parse.GetValue(stallPerSource) ?? start.StallPerSource,
                StallRate = parse.GetValue(stallRate) ?? start.StallRate,
                HandshakeRate = parse.GetValue(handshakeRate) ?? start.HandshakeRate,
                MalformedRate = parse.GetValue(malformedRate) ?? start.MalformedRate,
                SlowCallsPerConnection = parse.GetValue(slowCalls) ?? start.SlowCallsPerConnection,
                RevokedStreams = parse.GetValue(revokedStreams) ?? start.RevokedStreams,
                MemoryAllowanceBytes = (parse.GetValue(memory) ?? (int)(start.MemoryAllowanceBytes / 1024 / 1024)) * 1024L * 1024L,
                Attacks = names,
                OutputFile = parse.GetValue(output)?.FullName,
                WorkDirectory = parse.GetValue(work)?.FullName,
                KeepWorkDirectory = parse.GetValue(keep),
            };
            var problems = Problems(options).ToList();
            if (problems.Count > 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(string.Join(Environment.NewLine, problems)).ConfigureAwait(false);
                return 2;
            }

            return await AbuseRun.RunAsync(options, parse.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static IEnumerable<string> Problems(AbuseOptions options)
    {
        if (options.Baseline < TimeSpan.FromSeconds(5) || options.QuietWindow < TimeSpan.FromSeconds(5) || options.AttackDuration < TimeSpan.FromSeconds(5))
        {
            yield return "--baseline, --quiet-window and --attack-duration at least 5s.";
        }

        if (options.ReadRate <= 0 || options.AuthorizeRate <= 0 || options.FloodRate <= 0 || options.StallRate <= 0 || options.HandshakeRate <= 0 || options.MalformedRate <= 0)
        {
            yield return "Rates above 0.";
        }

        if (options.FloodConnections < 1 || options.StallSources is < 1 or > 1000 || options.StallPerSource < 1 || options.SlowCallsPerConnection < 1 || options.RevokedStreams < 1 || options.MemoryAllowanceBytes <= 0)
        {
            yield return "Sizes at least 1 (--stall-sources at most 1000).";
        }

        foreach (var name in options.Attacks.Where(name => !AbuseRun.AttackNames.Contains(name)))
        {
            yield return $"--attacks: no attack '{name}' (known: {string.Join(", ", AbuseRun.AttackNames)}).";
        }
    }

    private static Option<TimeSpan?> Duration(string name, string description) =>
        new(name) { Description = description + " E.g. 30s, 2m.", CustomParser = result => ReliabilityCommandLine.Duration(result) };

    private static Option<double?> Number(string name, string description) => new(name) { Description = description };

    private static Option<int?> Count(string name, string description) => new(name) { Description = description };
}
