namespace RoamingGrpc.Bench;

/// <summary>Medians, spreads and percentiles.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public static double Percentile(List<double> values, double p)
    {
        values.Sort();
        return values.Count == 0 ? double.NaN : values[Math.Min(values.Count - 1, (int)Math.Ceiling(p * values.Count) - 1)];
    }

    /// <summary>"median (min-max)".</summary>
    public static string Spread(IReadOnlyList<double> values, string format) => values.Count == 1
        ? values[0].ToString(format, System.Globalization.CultureInfo.InvariantCulture)
        : $"{Median(values).ToString(format, System.Globalization.CultureInfo.InvariantCulture)} ({values.Min().ToString(format, System.Globalization.CultureInfo.InvariantCulture)}–{values.Max().ToString(format, System.Globalization.CultureInfo.InvariantCulture)})";
}
