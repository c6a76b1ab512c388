using System.Globalization;
using System.Text;

namespace RoamingGrpc.Reliability.Soak;

/// <summary>
/// The soak's markdown: the run's parameters, one table row per sample, and the summary comparing the first and the
/// last window of samples (mean of each): memory, file descriptors, threads and queue depths are "flat" when the last
/// window's mean is at most the first's plus 10 % plus a small allowance for noise (16 MiB of memory, 10 descriptors,
/// 5 threads, 1 000 queued entries: one stream window).
/// </summary>
internal static class SoakReport
{
    private const double MiB = 1024 * 1024;

    /// <summary>One line per sample on the console while the run goes.</summary>
    public static string Line(SoakSample sample) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Clock(sample.Elapsed)} CSO {sample.Cso.ResidentBytes / MiB:0} MiB {sample.Cso.OpenFiles} fds {sample.Cso.Threads} thr | CSP {sample.Csp.ResidentBytes / MiB:0} MiB {sample.Csp.OpenFiles} fds {sample.Csp.Threads} thr | "
        + $"outbox {Number(sample.OutboxDepth)} (oldest {Number(sample.OutboxOldestSeconds)} s), status stream behind {Number(sample.StatusStreamBehind)} | "
        + $"{sample.StatusPerSecond:0} status/s p99 {sample.StatusP99Ms:0.0} ms | {sample.Sessions} sessions | {sample.Retries} retries");

    public static string Render(SoakOptions options, IReadOnlyList<SoakSample> samples, SoakErrors errors, string loadBefore, string loadAfter, TimeSpan elapsed, out bool growing)
    {
        var text = new StringBuilder();
        text.AppendLine("# Soak results").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {Machine()}; .NET {Environment.Version}; load average (1/5/15 min) at start {loadBefore}, at end {loadAfter}; {elapsed.TotalMinutes:0.0} min in all.").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Load: {options.StatusRate:0} status changes per second over {options.Sites * options.EvsesPerSite:N0} EVSEs ({StatusLoad.Reporters} back-office clients, {StatusLoad.Batch} changes per ReportEvseStatus), "
            + $"{options.Sessions} charging sessions in parallel (half local starts by PresentToken, half remote starts through the CSP's back office; {options.SessionLength.TotalSeconds:0} s each with meter values every {options.MeterInterval.TotalSeconds:0} s, stop, SDR), "
            + $"for {options.Duration}; a sample every {options.SampleInterval}. Both endpoints are `roaming serve` processes ({Configuration(options.CliDll)} build, product defaults) on this machine with the driver.").AppendLine();
        text.AppendLine("| time | CSO RSS MiB | CSO fds | CSO threads | CSP RSS MiB | CSP fds | CSP threads | CSO outbox to CSP | oldest s | status stream behind | CSP outbox to CSO | status/s | p50 ms | p99 ms | sessions | retries |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in samples)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Clock(s.Elapsed)} | {s.Cso.ResidentBytes / MiB:0} | {s.Cso.OpenFiles} | {s.Cso.Threads} | {s.Csp.ResidentBytes / MiB:0} | {s.Csp.OpenFiles} | {s.Csp.Threads} | {Number(s.OutboxDepth)} | {Number(s.OutboxOldestSeconds)} | {Number(s.StatusStreamBehind)} | {Number(s.CspOutboxDepth)} | {s.StatusPerSecond:0} | {s.StatusP50Ms:0.0} | {s.StatusP99Ms:0.0} | {s.Sessions} | {s.Retries} |");
        }

        text.AppendLine();
        growing = false;
        if (samples.Count >= 2)
        {
            var duration = samples[^1].Elapsed;
            var window = options.Window * 2 <= duration ? options.Window : duration / 3;
            var first = samples.Where(s => s.Elapsed <= window).ToList();
            var last = samples.Where(s => s.Elapsed > duration - window).ToList();
            if (first.Count == 0 || last.Count == 0 || first.Count == samples.Count)
            {
                first = [samples[0]];
                last = [samples[^1]];
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"## Summary: first {window.TotalMinutes:0.#} min ({first.Count} samples) against last {window.TotalMinutes:0.#} min ({last.Count} samples)").AppendLine();
            text.AppendLine("| measure | first | last | change | verdict |");
            text.AppendLine("|---|---|---|---|---|");
            var full = options.Window * 2 <= duration;
            foreach (var (name, value, allowance, format) in Measures())
            {
                var a = Mean(first, value);
                var b = Mean(last, value);
                var flat = b <= (a * 1.10) + allowance;
                growing |= !flat && full;
                text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {a.ToString(format, CultureInfo.InvariantCulture)} | {b.ToString(format, CultureInfo.InvariantCulture)} | {Change(a, b)} | {(flat ? "flat" : "**growing**")} |");
            }

            var all = samples.Where(s => s.Elapsed > TimeSpan.Zero).ToList();
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"- Status changes: {Mean(all, s => s.StatusPerSecond):0} per second on average (target {options.StatusRate:0}; lowest sample {all.Min(s => s.StatusPerSecond):0}); "
                + $"p99 latency of ReportEvseStatus (batches of {StatusLoad.Batch}) {all.Max(s => s.StatusP99Ms):0.0} ms at worst, {Median(all.Select(s => s.StatusP99Ms)):0.0} ms median of the samples.");
            text.AppendLine(CultureInfo.InvariantCulture, $"- Charging sessions completed: {all.Sum(s => s.Sessions)} ({all.Sum(s => s.Sessions) / Math.Max(duration.TotalMinutes, 1e-9):0.0} per minute); retries {all.Sum(s => s.Retries)}; errors {errors.Count}.");
            text.AppendLine(full
                ? "- Verdict rule: flat when the last window's mean is at most the first's + 10 % + the allowance (16 MiB, 10 fds, 5 threads, 1000 queued); a growing measure fails the run."
                : "- The run is shorter than two windows: the windows are its first and last third, and the verdicts are indicative only (they do not fail the run).");
        }

        text.AppendLine("- Queue depths as an operator sees them: the CSO's `roaming_outbox_depth` / `roaming_outbox_oldest_age_seconds` for its CSP partner (durable pushes waiting) and `roaming_stream_events_behind` of the CSP's status stream (events not yet acknowledged), scraped from the CSO's metrics endpoint; the CSP's outbox to the CSO is empty by design (token lists are distributed by version, not queued). Not exposed anywhere: how far behind the CSP's own apply loop is (its received data has no back-office read API yet, issue 14), and the token list versions the CSO holds.");
        if (errors.Count > 0)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## Errors ({errors.Count}, first {errors.First.Count})").AppendLine();
            foreach (var error in errors.First)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"- {error}");
            }
        }

        return text.ToString();
    }

    private static IEnumerable<(string Name, Func<SoakSample, double> Value, double Allowance, string Format)> Measures() =>
    [
        ("CSO resident memory (MiB)", s => s.Cso.ResidentBytes / MiB, 16, "0"),
        ("CSP resident memory (MiB)", s => s.Csp.ResidentBytes / MiB, 16, "0"),
        ("CSO open file descriptors", s => s.Cso.OpenFiles, 10, "0"),
        ("CSP open file descriptors", s => s.Csp.OpenFiles, 10, "0"),
        ("CSO threads", s => s.Cso.Threads, 5, "0"),
        ("CSP threads", s => s.Csp.Threads, 5, "0"),
        ("CSO outbox to the CSP (entries)", s => s.OutboxDepth ?? 0, 1000, "0"),
        ("CSP's status stream behind (events)", s => s.StatusStreamBehind ?? 0, 1000, "0"),
    ];

    private static double Mean(List<SoakSample> samples, Func<SoakSample, double> value) => samples.Count == 0 ? double.NaN : samples.Average(value);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Change(double a, double b) => a == 0
        ? (b - a).ToString("+0.#;-0.#;0", CultureInfo.InvariantCulture)
        : ((b - a) / a).ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture);

    private static string Number(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "n/a";

    private static string Clock(TimeSpan elapsed) => $"{(int)elapsed.TotalMinutes:D2}:{elapsed.Seconds:D2}";

    // The build configuration of the CLI the endpoints ran: .../bin/<configuration>/<framework>/roaming.dll.
    private static string Configuration(string cliDll) => new DirectoryInfo(Path.GetDirectoryName(cliDll) ?? ".").Parent?.Name ?? "unknown";

    private static string Machine()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{model ?? "unknown CPU"}, {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB";
    }
}
