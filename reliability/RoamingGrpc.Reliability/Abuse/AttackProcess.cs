using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Runs one attack in a process of its own at a lower CPU priority (<c>nice -n 10</c>): on a real network the attacker
/// spends its own machine's CPU, not the server's; here the attacker shares the machine with both endpoints and the
/// legitimate partner, and at nice 10 it takes the CPU they leave (its work is paced and does not need more). The
/// process is this driver again, <c>abuse --attack-process NAME --work DIR</c>: it reads the run's settings from the
/// work directory, says <c>started</c> when the attack begins and ends with one line <c>outcome {json}</c>; its errors
/// go to <c>attack-NAME.log</c> there.
/// </summary>
internal static class AttackProcess
{
    public const string SettingsFile = "abuse-run.json";
    private const string Started = "started";
    private const string OutcomePrefix = "outcome ";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>What the run tells the attack process.</summary>
    internal sealed record Settings(AbuseOptions Options, Uri CsoUrl);

    /// <summary>What the attack process reports: the outcome and the CPU it used.</summary>
    internal sealed record Report(string Done, List<string> ExpectedRefusals, List<string> Violations, double CpuSeconds);

    public static void WriteSettings(Workspace workspace, Settings settings) =>
        File.WriteAllText(workspace.File(SettingsFile), JsonSerializer.Serialize(settings, Json));

    /// <summary>Runs attack <paramref name="name"/>; <paramref name="started"/> is called when it begins.</summary>
    public static async Task<Report> RunAsync(Workspace workspace, string name, Action started, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("nice") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-n", "10", "dotnet", typeof(AttackProcess).Assembly.Location, "abuse", "--attack-process", name, "--work", workspace.Root })
        {
            info.ArgumentList.Add(argument);
        }

        var log = workspace.File($"attack-{name}.log");
        using var process = Process.Start(info) ?? throw new ReliabilityException($"could not start the attack process of {name}");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        Report? report = null;
        while (await process.StandardOutput.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line == Started)
            {
                started();
            }
            else if (line.StartsWith(OutcomePrefix, StringComparison.Ordinal))
            {
                report = JsonSerializer.Deserialize<Report>(line[OutcomePrefix.Length..], Json);
            }
            else
            {
                await File.AppendAllTextAsync(log, line + Environment.NewLine, cancellationToken).ConfigureAwait(false);
            }
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await File.AppendAllTextAsync(log, await errors.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return report is not null && process.ExitCode == 0
            ? report
            : throw new ReliabilityException($"the attack process of {name} ended with exit code {process.ExitCode.ToString(CultureInfo.InvariantCulture)} without an outcome; see {log}");
    }

    /// <summary>The attack process itself: runs attack <paramref name="name"/> of the run in <paramref name="root"/>.</summary>
    public static async Task<int> ServeAsync(string root, string name, TextWriter output, CancellationToken cancellationToken)
    {
        var workspace = Workspace.Open(root);
        var settings = JsonSerializer.Deserialize<Settings>(await File.ReadAllTextAsync(workspace.File(SettingsFile), cancellationToken).ConfigureAwait(false), Json)
            ?? throw new ReliabilityException($"{workspace.File(SettingsFile)} is empty");
        using var attacks = new AttackSet(workspace, settings.CsoUrl, settings.Options);
        var attack = attacks.All.Single(attack => attack.Name == name);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        await output.WriteLineAsync(Started).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        AttackOutcome outcome;
        try
        {
            outcome = await attack.RunAsync(settings.Options.AttackDuration, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Into the attack's log (the run reads standard output), then the exit code says it failed.
            await output.WriteLineAsync($"the attack failed: {ex}").ConfigureAwait(false);
            return 1;
        }

        self.Refresh();
        var report = new Report(outcome.Done, outcome.ExpectedRefusals, [.. outcome.Violations], (self.TotalProcessorTime - cpu).TotalSeconds);
        await output.WriteLineAsync(OutcomePrefix + JsonSerializer.Serialize(report, Json)).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
