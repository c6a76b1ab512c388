namespace RoamingGrpc.Domain.Pricing;

/// <summary>
/// The instants (UTC ticks) at which a local-time condition can change: each local day's midnight and the restriction
/// times of day (both instants of an hour that repeats when clocks go back), and every change of the zone's UTC offset
/// (a local time inside a skipped hour takes effect when the clocks jump).
/// </summary>
internal static class CalendarBoundaries
{
    // Offsets are compared at this spacing; no zone changes its offset twice within it.
    private static readonly long ScanStep = TimeSpan.FromHours(6).Ticks;

    public static long[] Between(long from, long to, TimeZoneInfo zone, IEnumerable<TimeOnly> timesOfDay)
    {
        if (from >= to)
        {
            return [];
        }

        var times = timesOfDay.Append(TimeOnly.MinValue).Distinct().ToList();
        var result = new SortedSet<long>();
        var firstDay = DateOnly.FromDateTime(Local(from, zone));
        var lastDay = DateOnly.FromDateTime(Local(to, zone));
        firstDay = firstDay > DateOnly.MinValue ? firstDay.AddDays(-1) : firstDay;
        lastDay = lastDay < DateOnly.MaxValue ? lastDay.AddDays(1) : lastDay;
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            foreach (var time in times)
            {
                var local = day.ToDateTime(time, DateTimeKind.Unspecified);
                if (zone.IsInvalidTime(local))
                {
                    continue;
                }

                var offsets = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local) : [zone.GetUtcOffset(local)];
                foreach (var offset in offsets)
                {
                    var instant = local.Ticks - offset.Ticks;
                    if (instant > from && instant < to)
                    {
                        result.Add(instant);
                    }
                }
            }

            if (day == DateOnly.MaxValue)
            {
                break;
            }
        }

        foreach (var change in OffsetChanges(from, to, zone))
        {
            result.Add(change);
        }

        return [.. result];
    }

    /// <summary>The local wall-clock time of an instant.</summary>
    public static DateTime Local(long utcTicks, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(new DateTimeOffset(utcTicks, TimeSpan.Zero), zone).DateTime;

    private static IEnumerable<long> OffsetChanges(long from, long to, TimeZoneInfo zone)
    {
        var at = from;
        var offset = Offset(at, zone);
        while (at < to)
        {
            var next = to - at > ScanStep ? at + ScanStep : to;
            var nextOffset = Offset(next, zone);
            if (nextOffset != offset)
            {
                // Offset(low) == offset and Offset(high) != offset: narrow down to the first tick of the new offset.
                var (low, high) = (at, next);
                while (high - low > 1)
                {
                    var middle = low + ((high - low) / 2);
                    (low, high) = Offset(middle, zone) == offset ? (middle, high) : (low, middle);
                }

                if (high < to)
                {
                    yield return high;
                }

                offset = nextOffset;
            }

            at = next;
        }
    }

    private static TimeSpan Offset(long utcTicks, TimeZoneInfo zone) => zone.GetUtcOffset(new DateTime(utcTicks, DateTimeKind.Utc));
}
