using System.Globalization;

namespace RoamingGrpc.Bench;

/// <summary>
/// Row 8, the cost of power-loss durability: the same CSO with the writer syncing every commit
/// (<c>Roaming:DatabaseSynchronous = Full</c>, the default, <c>cso-sqlite-full</c>) and without
/// (<c>Normal</c>, <c>cso-sqlite-normal</c>), both running at once on the server core. Per pair, each measure runs on
/// both servers back to back (the order flips every pair): the row 2 status stream end to end (8a), and back-office
/// <c>ReportEvseStatus</c> calls of one change each from 16 concurrent callers (8b calls/s, 8c p99), where every
/// answer waits for its commit.
/// </summary>
internal static class Durability
{
    private const int Changes = 20_000;
    private const int Reporters = 4;
    private const int ReportBatch = 100;
    private const int Callers = 16;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(4);
    private const int WarmUpRounds = 2;

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(string root, string serverCore, int pairs, List<string> notes)
    {
        await using var fullServer = await ServerProcess.StartAsync("cso-sqlite-full", root, serverCore).ConfigureAwait(false);
        await using var normalServer = await ServerProcess.StartAsync("cso-sqlite-normal", root, serverCore).ConfigureAwait(false);
        var evseIds = BenchSites.Create().SelectMany(site => site.Evses).Select(evse => evse.EvseId).ToList();
        await using var full = await StreamTarget.PrepareAsync(root, fullServer, evseIds).ConfigureAwait(false);
        await using var normal = await StreamTarget.PrepareAsync(root, normalServer, evseIds).ConfigureAwait(false);

        Console.WriteLine("durability: warm-up");
        for (var round = 0; round < WarmUpRounds; round++)
        {
            await full.RunAsync(Changes / 2, Reporters, ReportBatch).ConfigureAwait(false);
            await normal.RunAsync(Changes / 2, Reporters, ReportBatch).ConfigureAwait(false);
            await UnaryLoad.RunAsync(Callers, Phase, _ => full.ReportOneAsync()).ConfigureAwait(false);
            await UnaryLoad.RunAsync(Callers, Phase, _ => normal.ReportOneAsync()).ConfigureAwait(false);
        }

        var stream = (Full: new List<double>(), Normal: new List<double>(), Ratios: new List<double>());
        var calls = (Full: new List<double>(), Normal: new List<double>(), Ratios: new List<double>());
        var p99 = (Full: new List<double>(), Normal: new List<double>(), Ratios: new List<double>());
        var cpuPerEvent = (Full: new List<double>(), Normal: new List<double>());
        var cpuPerCall = (Full: new List<double>(), Normal: new List<double>());
        for (var pair = 0; pair < pairs; pair++)
        {
            var fullFirst = pair % 2 == 0;
            var (fullStream, normalStream) = await BothAsync(
                fullFirst,
                () => WithCpuAsync(fullServer, () => full.RunAsync(Changes, Reporters, ReportBatch)),
                () => WithCpuAsync(normalServer, () => normal.RunAsync(Changes, Reporters, ReportBatch))).ConfigureAwait(false);
            var (fullCalls, normalCalls) = await BothAsync(
                fullFirst,
                () => WithCpuAsync(fullServer, () => UnaryLoad.RunAsync(Callers, Phase, _ => full.ReportOneAsync())),
                () => WithCpuAsync(normalServer, () => UnaryLoad.RunAsync(Callers, Phase, _ => normal.ReportOneAsync()))).ConfigureAwait(false);
            Add(stream, fullStream.Result, normalStream.Result, fullStream.Result / normalStream.Result);
            Add(calls, fullCalls.Result.PerSecond, normalCalls.Result.PerSecond, fullCalls.Result.PerSecond / normalCalls.Result.PerSecond);
            Add(p99, fullCalls.Result.P99Ms, normalCalls.Result.P99Ms, fullCalls.Result.P99Ms / normalCalls.Result.P99Ms);
            cpuPerEvent.Full.Add(fullStream.Cpu.TotalMicroseconds / (Changes + 1));
            cpuPerEvent.Normal.Add(normalStream.Cpu.TotalMicroseconds / (Changes + 1));
            cpuPerCall.Full.Add(fullCalls.Cpu.TotalMicroseconds / fullCalls.Result.Calls);
            cpuPerCall.Normal.Add(normalCalls.Cpu.TotalMicroseconds / normalCalls.Result.Calls);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"durability pair {pair + 1}: status stream {fullStream.Result:0}/s FULL, {normalStream.Result:0}/s NORMAL; "
                + $"ReportEvseStatus of one change {fullCalls.Result.PerSecond:0}/s p99 {fullCalls.Result.P99Ms:0.00} ms FULL, {normalCalls.Result.PerSecond:0}/s p99 {normalCalls.Result.P99Ms:0.00} ms NORMAL; "
                + $"server CPU per event {cpuPerEvent.Full[^1]:0} / {cpuPerEvent.Normal[^1]:0} µs, per call {cpuPerCall.Full[^1]:0} / {cpuPerCall.Normal[^1]:0} µs"));
        }

        notes.Add(string.Create(
            CultureInfo.InvariantCulture,
            $"Durability: two CSO servers as cso-sqlite, running at once, one with Roaming:DatabaseSynchronous = Full (the default: the writer syncs the write-ahead log on every commit, cso-sqlite-full), one with Normal (synced at checkpoints only, cso-sqlite-normal), "
            + $"each database file in the run's temporary directory ({FileSystemOf(root)}). 8a: the row 2 stream ({Changes:N0} changes per run, {Reporters} back-office clients, batches of {ReportBatch}, consumer applies and acks). "
            + $"8b/8c: {Callers} concurrent back-office callers on one channel, each ReportEvseStatus call one change with a fresh request id (its request record, log entry and current status committed before the answer), {Phase.TotalSeconds:0} s phases; "
            + $"the stream's consumer stays open and receives them. Ratios FULL / NORMAL. "
            + $"Server CPU time (the server process's, over the phase) per stream event: {Stats.Spread(cpuPerEvent.Full, "0")} µs FULL, {Stats.Spread(cpuPerEvent.Normal, "0")} µs NORMAL; "
            + $"per ReportEvseStatus call: {Stats.Spread(cpuPerCall.Full, "0")} µs FULL, {Stats.Spread(cpuPerCall.Normal, "0")} µs NORMAL."));
        return
        [
            new ResultRow(
                "8a Durability: status stream end to end, writer synchronous FULL / NORMAL",
                $"{Stats.Spread(stream.Full, "0")} events/s",
                $"{Stats.Spread(stream.Normal, "0")} events/s",
                stream.Ratios,
                ">= 0.8",
                ratio => ratio >= 0.8),
            new ResultRow(
                "8b Durability: ReportEvseStatus of one change per call (16 callers) throughput, FULL / NORMAL",
                $"{Stats.Spread(calls.Full, "0")} calls/s",
                $"{Stats.Spread(calls.Normal, "0")} calls/s",
                calls.Ratios,
                ">= 0.8",
                ratio => ratio >= 0.8),
            new ResultRow(
                "8c Durability: ReportEvseStatus of one change per call (16 callers) p99, FULL / NORMAL",
                $"{Stats.Spread(p99.Full, "0.00")} ms",
                $"{Stats.Spread(p99.Normal, "0.00")} ms",
                p99.Ratios,
                "<= 1.5",
                ratio => ratio <= 1.5),
        ];
    }

    private static async Task<(T Full, T Normal)> BothAsync<T>(bool fullFirst, Func<Task<T>> full, Func<Task<T>> normal)
    {
        if (fullFirst)
        {
            var f = await full().ConfigureAwait(false);
            return (f, await normal().ConfigureAwait(false));
        }

        var n = await normal().ConfigureAwait(false);
        return (await full().ConfigureAwait(false), n);
    }

    // The server's CPU time over the run: a sync waits on the disk without using the core, so FULL can cost less CPU per
    // event than NORMAL when its slower commits gather larger batches.
    private static async Task<(T Result, TimeSpan Cpu)> WithCpuAsync<T>(ServerProcess server, Func<Task<T>> run)
    {
        var before = server.ProcessorTime;
        var result = await run().ConfigureAwait(false);
        return (result, server.ProcessorTime - before);
    }

    private static void Add((List<double> Full, List<double> Normal, List<double> Ratios) measure, double full, double normal, double ratio)
    {
        measure.Full.Add(full);
        measure.Normal.Add(normal);
        measure.Ratios.Add(ratio);
    }

    // A sync on tmpfs costs nothing: the table says where the files were, so that such a run is recognized.
    private static string FileSystemOf(string path)
    {
        if (!File.Exists("/proc/self/mounts"))
        {
            return "file system unknown";
        }

        var full = Path.GetFullPath(path);
        var mount = File.ReadLines("/proc/self/mounts")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length >= 3 && (full == fields[1] || full.StartsWith(fields[1].TrimEnd('/') + "/", StringComparison.Ordinal)))
            .MaxBy(fields => fields[1].Length);
        return mount is null ? "file system unknown" : $"{mount[2]} on {mount[0]}";
    }
}
