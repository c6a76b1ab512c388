namespace RoamingGrpc.Bench;

/// <summary>One row of the results table: a measured ratio with its two sides, spread and target.</summary>
internal sealed record ResultRow(string Measure, string Measured, string Baseline, IReadOnlyList<double> Ratios, string Target, Func<double, bool>? Met)
{
    public string Markdown() => Ratios.Count == 0
        ? $"| {Measure} | {Measured} | {Baseline} | — | {Target} | |"
        : $"| {Measure} | {Measured} | {Baseline} | {Stats.Spread(Ratios, "0.00")} | {Target} | {Verdict()} |";

    private string Verdict() => Met is null ? string.Empty : Met(Stats.Median(Ratios)) ? "yes" : "**no**";
}
