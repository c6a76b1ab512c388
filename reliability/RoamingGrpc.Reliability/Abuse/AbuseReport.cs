using System.Globalization;
using System.Text;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>The markdown the run prints (and writes to <c>--out</c>): the bounds, the table, what each attack did, the violations.</summary>
internal static class AbuseReport
{
    public static string Markdown(AbuseOptions options, IReadOnlyList<AttackRow> quiet, IReadOnlyList<AttackRow> attacks, long memoryBound, IReadOnlyList<string> runViolations, TimeSpan took)
    {
        var text = new StringBuilder();
        var passed = runViolations.Count == 0 && attacks.All(row => row.Passed);
        text.AppendLine(CultureInfo.InvariantCulture, $"## Abuse run: {(passed ? "PASSED" : "FAILED")} in {took.TotalSeconds:F0} s");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Legitimate partner: GetSite {options.ReadRate:0}/s on {options.ReadConcurrency} callers (CSP -> CSO), PresentToken -> AuthorizeToken {options.AuthorizeRate:0}/s on {options.AuthorizeConcurrency} callers (CSO back office -> CSO -> CSP), a new partner connection every {options.FreshConnectionInterval.TotalMilliseconds:0} ms.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Bounds per attack: the CSO alive and its health SERVING afterwards; its resident set at most {Mib(memoryBound)} MiB (after the baseline + {Mib(options.MemoryAllowanceBytes)} MiB); no failed call of the partner{(options.LatencyBounds ? string.Empty : " (its latency measured and reported, not bounded: --quick)")}, its p99 at most {AbuseRun.LatencyFactor:0} x max(worst quiet p99, {AbuseRun.LatencyFloor.TotalMilliseconds:0} ms); every new connection answered, the slowest within {AbuseRun.LatencyFactor:0} x max(slowest in a quiet window, {AbuseRun.FreshConnectionFloor.TotalMilliseconds:0} ms); log lines within the bound; the attack's own checks.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Quiet windows (the baseline, {options.QuietWindow.TotalSeconds:0} s before each later attack, and after the last): p99 of reads {Range(quiet, window => window.Reads.P99)} ms, of authorizations {Range(quiet, window => window.Authorizations.P99)} ms, slowest new connection {Range(quiet, window => window.FreshConnections.Max)} ms.");
        text.AppendLine();
        text.AppendLine("| attack | size | duration | reads p50 / p99 ms (calls; p99 before) | authorize p50 / p99 ms (calls; p99 before) | p99 ratio to the worst quiet | new connections: calls, slowest ms (before) | RSS before / peak MiB | CPU cores CSO / partner / attacker | log lines (bound) | refusals by reason | verdict |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        var baseline = quiet[0];
        var rows = attacks.Prepend(baseline).Concat(quiet.Count > 1 && quiet[^1].Name == "after" ? [quiet[^1]] : []);
        foreach (var row in rows)
        {
            var counted = row.Refusals.Where(pair => pair.Value > 0).OrderByDescending(pair => pair.Value).Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {pair.Value:0}")).ToList();
            var refusals = counted.Count == 0 ? "-" : string.Join(", ", counted);
            var isQuiet = row.Title == "no attack";
            var ratio = isQuiet ? "-" : row.Ratio.ToString("0.00", CultureInfo.InvariantCulture);
            var logs = isQuiet ? row.LogLines.ToString(CultureInfo.InvariantCulture) : $"{row.LogLines} ({row.LogLineBound})";
            var verdict = isQuiet ? (row.Violations.Count == 0 ? "-" : "**FAIL**") : row.Passed ? "pass" : "**FAIL**";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Name}: {row.Title} | {row.Size} | {row.Duration.TotalSeconds:0} s | {Latency(row.Reads, row.Before?.Reads)} | {Latency(row.Authorizations, row.Before?.Authorizations)} | {ratio} | {row.FreshConnections.Calls}{Failures(row.FreshConnections)}, {row.FreshConnections.Max:0}{(row.Before is null ? string.Empty : $" ({row.Before.FreshConnections.Max:0})")} | {Mib(row.ResidentBefore)} / {Mib(row.ResidentPeak)} | {row.CsoCores:0.00} / {row.DriverCores:0.00} / {row.AttackerCores:0.00} | {logs} | {refusals} | {verdict} |");
        }

        text.AppendLine();
        foreach (var row in attacks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{row.Name}**: {row.Done}.");
            foreach (var violation in row.Violations)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - VIOLATION: {violation}");
            }
        }

        foreach (var violation in runViolations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- VIOLATION (run): {violation}");
        }

        return text.ToString();
    }

    private static string Latency(LatencySummary summary, LatencySummary? before) =>
        string.Create(CultureInfo.InvariantCulture, $"{summary.P50:0.0} / {summary.P99:0.0} ({summary.Calls}{Failures(summary)}{(before is null ? string.Empty : $"; {before.P99:0.0}")})");

    private static string Failures(LatencySummary summary) =>
        summary.Failures.Count == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", **{summary.Failures.Count} failed**");

    private static string Range(IReadOnlyList<AttackRow> rows, Func<AttackRow, double> value) =>
        string.Create(CultureInfo.InvariantCulture, $"{rows.Min(value):0.0} to {rows.Max(value):0.0}");

    private static string Mib(long bytes) => (bytes / 1024.0 / 1024.0).ToString("0", CultureInfo.InvariantCulture);
}
