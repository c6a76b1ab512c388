using System.Globalization;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>The rules settings sections share; each returns the problem line naming the key, or null when the value is fine.</summary>
internal static class SettingRules
{
    /// <summary>A span that must be more than zero.</summary>
    public static string? Positive(string section, string key, TimeSpan value) =>
        value > TimeSpan.Zero ? null : $"{section}:{key} must be positive (was {value.ToString("c", CultureInfo.InvariantCulture)}).";

    /// <summary>A number that must be more than zero.</summary>
    public static string? Positive(string section, string key, int value) =>
        value > 0 ? null : $"{section}:{key} must be positive (was {value.ToString(CultureInfo.InvariantCulture)}).";

    /// <summary>A span that must be more than zero and at most <paramref name="maximum"/>.</summary>
    public static string? Within(string section, string key, TimeSpan value, TimeSpan maximum) =>
        value > TimeSpan.Zero && value <= maximum
            ? null
            : $"{section}:{key} must be more than 0 and at most {Readable(maximum)} (was {value.ToString("c", CultureInfo.InvariantCulture)}).";

    // 24 h, 30 min, 5 s: as an operator writes a limit.
    private static string Readable(TimeSpan span) =>
        span.TotalHours >= 1 && span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{span.TotalHours.ToString(CultureInfo.InvariantCulture)} h"
        : span.TotalMinutes >= 1 && span.Ticks % TimeSpan.TicksPerMinute == 0 ? $"{span.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min"
        : $"{span.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s";
}
