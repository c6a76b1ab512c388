using System.Diagnostics;
using System.Globalization;

namespace RoamingGrpc.Bench;

/// <summary>
/// Row 5, scale of data: the same CSO with 1 000 000 EVSEs stored and with 10 000 (<see cref="ScaleSeeder"/>), both
/// running at once on the server core. Per pair, each measure runs on both servers back to back (the order flips
/// every pair): the status stream end to end with changes spread over all EVSEs, and ListSites pages read by a CSP
/// from the first page and from the middle of the listing.
/// </summary>
internal static class DataScale
{
    private const int Small = 10_000;
    private const int Large = 1_000_000;

    // Prime, so coprime to both EVSE counts less the marker (9 999 = 3^2 * 11 * 101, 999 999 = 3^3 * 7 * 11 * 13 * 37):
    // consecutive changes are 7 919 EVSEs apart, and a batch of 100 spans the whole id range.
    private const int Stride = 7_919;
    private const int Changes = 20_000;
    private const int Reporters = 4;
    private const int ReportBatch = 100;
    private const int PageSize = 100;
    private const int Pages = 200;
    private const int Passes = 5;

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(string root, string serverCore, int pairs, List<string> notes)
    {
        var started = Stopwatch.StartNew();
        var watch = Stopwatch.StartNew();
        await using var smallServer = await ServerProcess.StartAsync(ScaleSeeder.Kind(Small), root, serverCore).ConfigureAwait(false);
        var smallSeed = (Wall: watch.Elapsed, Cpu: smallServer.ProcessorTime);
        Console.WriteLine($"scale: {Small:N0} EVSEs seeded, server ready in {smallSeed.Wall.TotalSeconds:0.0} s ({smallSeed.Cpu.TotalSeconds:0.0} s CPU)");
        watch.Restart();
        await using var largeServer = await ServerProcess.StartAsync(ScaleSeeder.Kind(Large), root, serverCore).ConfigureAwait(false);
        var largeSeed = (Wall: watch.Elapsed, Cpu: largeServer.ProcessorTime);
        Console.WriteLine($"scale: {Large:N0} EVSEs seeded, server ready in {largeSeed.Wall.TotalSeconds:0.0} s ({largeSeed.Cpu.TotalSeconds:0.0} s CPU)");

        await using var small = await StreamTarget.PrepareAsync(root, smallServer, ScaleSeeder.EvseIds(Small), sitesSeeded: true, stride: Stride).ConfigureAwait(false);
        await using var large = await StreamTarget.PrepareAsync(root, largeServer, ScaleSeeder.EvseIds(Large), sitesSeeded: true, stride: Stride).ConfigureAwait(false);
        var smallListing = await SiteListing.PrepareAsync(small.Channel, Small / ScaleSeeder.EvsesPerSite, PageSize).ConfigureAwait(false);
        var largeListing = await SiteListing.PrepareAsync(large.Channel, Large / ScaleSeeder.EvsesPerSite, PageSize).ConfigureAwait(false);

        Console.WriteLine("scale: warm-up");
        await small.RunAsync(Changes / 2, Reporters, ReportBatch).ConfigureAwait(false);
        await large.RunAsync(Changes / 2, Reporters, ReportBatch).ConfigureAwait(false);
        foreach (var listing in new[] { smallListing, largeListing })
        {
            await listing.PagesAsync(string.Empty, Pages, 1).ConfigureAwait(false);
            await listing.PagesAsync(listing.Middle, Pages, 1).ConfigureAwait(false);
        }

        var events = (Small: new List<double>(), Large: new List<double>(), Ratios: new List<double>());
        var first = (Small: new List<double>(), Large: new List<double>(), Ratios: new List<double>());
        var middle = (Small: new List<double>(), Large: new List<double>(), Ratios: new List<double>());
        for (var pair = 0; pair < pairs; pair++)
        {
            var smallFirst = pair % 2 == 0;
            var (smallRate, largeRate) = await BothAsync(smallFirst, () => small.RunAsync(Changes, Reporters, ReportBatch), () => large.RunAsync(Changes, Reporters, ReportBatch)).ConfigureAwait(false);
            var (smallStart, largeStart) = await BothAsync(smallFirst, () => smallListing.PagesAsync(string.Empty, Pages, Passes), () => largeListing.PagesAsync(string.Empty, Pages, Passes)).ConfigureAwait(false);
            var (smallMiddle, largeMiddle) = await BothAsync(smallFirst, () => smallListing.PagesAsync(smallListing.Middle, Pages, Passes), () => largeListing.PagesAsync(largeListing.Middle, Pages, Passes)).ConfigureAwait(false);

            // Cost per event is 1 / rate: 1M's cost over 10k's is 10k's rate over 1M's.
            Add(events, smallRate, largeRate, smallRate / largeRate);
            Add(first, smallStart, largeStart, largeStart / smallStart);
            Add(middle, smallMiddle, largeMiddle, largeMiddle / smallMiddle);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"scale pair {pair + 1}: status events {largeRate:0}/s at 1M, {smallRate:0}/s at 10k; ListSites page from the start {largeStart:0.00} ms at 1M, {smallStart:0.00} ms at 10k; from the middle {largeMiddle:0.00} ms at 1M, {smallMiddle:0.00} ms at 10k"));
        }

        notes.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"Scale of data: two CSO servers (cso-scale-{Small}, cso-scale-{Large}) as cso-sqlite, running at once, seeded at start with {Small:N0} / {Large:N0} EVSEs on sites of {ScaleSeeder.EvsesPerSite} "
            + $"through the store's code on its writer (each site as UpsertSite stores it, each EVSE with a current status and its log entry as ReportEvseStatus stores them; not seeded: UpsertSite's request-log records and outbox entries); "
            + $"server start with seeding took {smallSeed.Wall.TotalSeconds:0.0} s / {largeSeed.Wall.TotalSeconds:0.0} s ({smallSeed.Cpu.TotalSeconds:0.0} s / {largeSeed.Cpu.TotalSeconds:0.0} s of server CPU). "
            + $"5a: the row 2 stream ({Changes:N0} changes per run, {Reporters} back-office clients, batches of {ReportBatch}, consumer applies and acks) with consecutive changes {Stride:N0} EVSEs apart, so every batch spans the whole id range; "
            + $"ratio = events/s at {Small:N0} / events/s at {Large:N0} (cost per event at 1M over 10k). "
            + $"5b/5c: a registered CSP reads {Pages} consecutive ListSites pages of {PageSize} sites (full listing, no filters), {Passes} times per run, one page after the other on one channel, "
            + $"starting at the first page (5b) or at a page token after the first half of the sites (5c: site {Small / ScaleSeeder.EvsesPerSite / 2:N0} of {Small / ScaleSeeder.EvsesPerSite:N0}, "
            + $"site {Large / ScaleSeeder.EvsesPerSite / 2:N0} of {Large / ScaleSeeder.EvsesPerSite:N0}), starting over from there when the listing ends "
            + $"({Small:N0} EVSEs: {Small / ScaleSeeder.EvsesPerSite / PageSize} pages in all, so the same pages repeat); ratio = ms per page at 1M / at 10k. "
            + $"Scenario with seeding {started.Elapsed.TotalMinutes:0.0} min."));
        return
        [
            new ResultRow(
                "5a Scale of data: cost per status event (1/events/s), 1 000 000 / 10 000 EVSEs stored",
                $"{Stats.Spread(events.Large, "0")} events/s",
                $"{Stats.Spread(events.Small, "0")} events/s",
                events.Ratios,
                "<= 1.2",
                ratio => ratio <= 1.2),
            new ResultRow(
                "5b Scale of data: ListSites page of 100 from the first page, 1 000 000 / 10 000 EVSEs stored",
                $"{Stats.Spread(first.Large, "0.00")} ms/page",
                $"{Stats.Spread(first.Small, "0.00")} ms/page",
                first.Ratios,
                "<= 1.2",
                ratio => ratio <= 1.2),
            new ResultRow(
                "5c Scale of data: ListSites page of 100 from the middle of the listing, 1 000 000 / 10 000 EVSEs stored",
                $"{Stats.Spread(middle.Large, "0.00")} ms/page",
                $"{Stats.Spread(middle.Small, "0.00")} ms/page",
                middle.Ratios,
                "<= 1.2",
                ratio => ratio <= 1.2),
        ];
    }

    private static async Task<(double Small, double Large)> BothAsync(bool smallFirst, Func<Task<double>> small, Func<Task<double>> large)
    {
        if (smallFirst)
        {
            var s = await small().ConfigureAwait(false);
            return (s, await large().ConfigureAwait(false));
        }

        var l = await large().ConfigureAwait(false);
        return (await small().ConfigureAwait(false), l);
    }

    private static void Add((List<double> Small, List<double> Large, List<double> Ratios) measure, double small, double large, double ratio)
    {
        measure.Small.Add(small);
        measure.Large.Add(large);
        measure.Ratios.Add(ratio);
    }
}
