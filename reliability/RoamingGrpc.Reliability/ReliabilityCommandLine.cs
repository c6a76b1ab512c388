using System.CommandLine;
using System.CommandLine.Parsing;
using RoamingGrpc.Reliability.Chaos;

namespace RoamingGrpc.Reliability;

/// <summary>The driver's command line: <c>chaos</c>, <c>soak</c> and <c>abuse</c>.</summary>
internal static class ReliabilityCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("RoamingGrpc reliability suite (issue 13): chaos (kill -9 during traffic, then verify), soak (an hour at the national rate) and abuse (attacks with bounds).");
        root.Subcommands.Add(ChaosCommand());
        root.Subcommands.Add(SoakCommand());
        root.Subcommands.Add(Abuse.AbuseCommandLine.Command(CliOption(), WorkOption(), CliDll));
        return root;
    }

    private static Command ChaosCommand()
    {
        var cycles = new Option<int>("--cycles") { Description = "Kill cycles (each kills the CSO or the CSP once, at a random moment).", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of the random choices (side, moment, down time, workload).", DefaultValueFactory = _ => 1 };
        var cycleLength = new Option<TimeSpan>("--cycle-length") { Description = "Traffic per cycle, e.g. 8s.", DefaultValueFactory = _ => TimeSpan.FromSeconds(8), CustomParser = Duration };
        var statusRate = new Option<double>("--status-rate") { Description = "Status changes per second of the status sites.", DefaultValueFactory = _ => 300 };
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "Fail the run if it has not ended within this time, e.g. 15m (the endpoints are killed, the work directory kept). Default: no bound beyond each step's own.",
            CustomParser = result => Duration(result),
        };
        var cli = CliOption();
        var work = WorkOption();
        var keep = new Option<bool>("--keep") { Description = "Keep the work directory (logs, databases) also when the run passes." };
        var command = new Command("chaos", "Kill either endpoint with SIGKILL at a random moment of every cycle while traffic of every kind flows, restart it, then verify the end states through the RPCs and the files' integrity. Exit 1 on any violation.")
        {
            cycles, seed, cycleLength, statusRate, timeout, cli, work, keep,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ChaosOptions
            {
                Cycles = parse.GetValue(cycles),
                Seed = parse.GetValue(seed),
                CycleLength = parse.GetValue(cycleLength),
                StatusRate = parse.GetValue(statusRate),
                Timeout = parse.GetValue(timeout),
                CliDll = CliDll(parse.GetValue(cli)),
                WorkDirectory = parse.GetValue(work)?.FullName,
                KeepWorkDirectory = parse.GetValue(keep),
            };
            if (options.Cycles < 1 || options.CycleLength < TimeSpan.FromSeconds(2) || options.StatusRate <= 0 || options.Timeout <= TimeSpan.Zero)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--cycles at least 1, --cycle-length at least 2s, --status-rate and --timeout above 0.").ConfigureAwait(false);
                return 2;
            }

            return await ChaosRun.RunAsync(options, parse.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Command SoakCommand()
    {
        var duration = new Option<TimeSpan>("--duration") { Description = "How long the load runs, e.g. 1h, 3m.", DefaultValueFactory = _ => TimeSpan.FromHours(1), CustomParser = Duration };
        var statusRate = new Option<double>("--status-rate") { Description = "Status changes per second.", DefaultValueFactory = _ => 2000 };
        var sessions = new Option<int>("--sessions") { Description = "Charging sessions in parallel.", DefaultValueFactory = _ => 100 };
        var sites = new Option<int>("--sites") { Description = "Sites of the status load (of --evses-per-site EVSEs each).", DefaultValueFactory = _ => 100 };
        var evsesPerSite = new Option<int>("--evses-per-site") { Description = "EVSEs per status site (1..100).", DefaultValueFactory = _ => 50 };
        var sample = new Option<TimeSpan>("--sample-interval") { Description = "Time between samples, e.g. 1m.", DefaultValueFactory = _ => TimeSpan.FromMinutes(1), CustomParser = Duration };
        var window = new Option<TimeSpan>("--window") { Description = "The first and last stretch the summary compares, e.g. 10m.", DefaultValueFactory = _ => TimeSpan.FromMinutes(10), CustomParser = Duration };
        var output = new Option<FileInfo>("--out") { Description = "The markdown file to write the samples and the summary to.", Required = true };
        var cli = CliOption();
        var work = WorkOption();
        var command = new Command("soak", "Run the national network's rate against a CSO and a CSP endpoint for a duration, sampling memory, file descriptors, threads, queue depths, the achieved rate and p99 latency; write a markdown table and summary. Exit 1 on errors or a growing measure.")
        {
            duration, statusRate, sessions, sites, evsesPerSite, sample, window, output, cli, work,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new Soak.SoakOptions
            {
                Duration = parse.GetValue(duration),
                StatusRate = parse.GetValue(statusRate),
                Sessions = parse.GetValue(sessions),
                Sites = parse.GetValue(sites),
                EvsesPerSite = parse.GetValue(evsesPerSite),
                SampleInterval = parse.GetValue(sample),
                Window = parse.GetValue(window),
                OutputFile = parse.GetRequiredValue(output).FullName,
                CliDll = CliDll(parse.GetValue(cli)),
                WorkDirectory = parse.GetValue(work)?.FullName,
            };
            if (options.Duration <= TimeSpan.Zero || options.StatusRate <= 0 || options.Sessions < 0 || options.Sites < 1 || options.EvsesPerSite is < 1 or > 100
                || options.SampleInterval <= TimeSpan.Zero || options.Window <= TimeSpan.Zero || options.Sites * options.EvsesPerSite < Soak.StatusLoad.Batch * Soak.StatusLoad.Reporters)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"--duration, --status-rate, --sample-interval and --window above 0; --sessions not negative; --evses-per-site 1..100; at least {Soak.StatusLoad.Batch * Soak.StatusLoad.Reporters} status EVSEs.").ConfigureAwait(false);
                return 2;
            }

            return await Soak.SoakRun.RunAsync(options, parse.InvocationConfiguration.Output, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static Option<FileInfo> CliOption() => new("--cli")
    {
        Description = "The built roaming CLI (roaming.dll); default: src/RoamingGrpc.Cli/bin/<this build's configuration>/net10.0/roaming.dll of this repository.",
    };

    private static Option<DirectoryInfo> WorkOption() => new("--work")
    {
        Description = "An empty directory for certificates, databases and logs; default: a new temporary one (deleted after a run that passed).",
    };

    // The CLI built next to this driver: this assembly is reliability/RoamingGrpc.Reliability/bin/<configuration>/net10.0/.
    private static string CliDll(FileInfo? given)
    {
        if (given is not null)
        {
            return given.Exists ? given.FullName : throw new FileNotFoundException($"--cli {given.FullName} does not exist");
        }

        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var framework = output.Name;
        var configuration = output.Parent?.Name ?? "Debug";
        var repository = output.Parent?.Parent?.Parent?.Parent?.Parent?.FullName ?? throw new FileNotFoundException("cannot find the repository from " + output.FullName);
        var dll = Path.Combine(repository, "src", "RoamingGrpc.Cli", "bin", configuration, framework, "roaming.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} does not exist: build RoamingGrpc.sln first, or give --cli");
    }

    /// <summary>Durations as people write them: 90s, 3m, 1h, 1h30m, or a TimeSpan (00:03:00).</summary>
    internal static TimeSpan Duration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (TryParseDuration(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration (e.g. 90s, 3m, 1h, 1h30m, 00:03:00).");
        return TimeSpan.Zero;
    }

    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out duration) && text.Contains(':', StringComparison.Ordinal))
        {
            return true;
        }

        duration = TimeSpan.Zero;
        var match = System.Text.RegularExpressions.Regex.Match(text, @"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$");
        if (text.Length == 0 || !match.Success)
        {
            return false;
        }

        double Part(int group) => match.Groups[group].Success ? double.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        duration = TimeSpan.FromHours(Part(1)) + TimeSpan.FromMinutes(Part(2)) + TimeSpan.FromSeconds(Part(3));
        return true;
    }
}
