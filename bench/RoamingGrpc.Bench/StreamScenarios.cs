using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Endpoint.Partners;

namespace RoamingGrpc.Bench;

/// <summary>Fan-out, resume catch-up and memory per idle stream, on the CSO with the durable (SQLite) log.</summary>
internal static class StreamScenarios
{
    private const int FanOutChanges = 5_000;
    private const int MissedChanges = 100_000;
    private const int IdleStreams = 1_000;
    private const int IdleConnections = 10;

    public static async Task<IReadOnlyList<ResultRow>> RunAsync(string root, ServerProcess server, StreamTarget target, int pairs, List<string> notes)
    {
        var rows = new List<ResultRow>();
        rows.AddRange(await FanOutAsync(root, server, target, pairs).ConfigureAwait(false));
        rows.Add(await ResumeAsync(target).ConfigureAwait(false));
        rows.AddRange(await IdleMemoryAsync(root, server, target).ConfigureAwait(false));
        notes.Add($"Fan-out: {FanOutChanges:N0} changes per run; N subscribers (the standing consumer plus N-1 opened for the run, each on its own mutual-TLS connection, as N partner CSPs), all in the driver's one core; "
            + "per-subscriber events/s = changes / time until every subscriber applied the marker.");
        notes.Add($"Resume: the standing consumer's cursor, then {MissedChanges:N0} changes reported; a new stream resumes after that cursor (window 1000; a consumer behind gets only the newest change per EVSE of each page of 500, which with 10 000 EVSEs changed round robin skips none).");
        notes.Add($"Memory: {IdleStreams:N0} live-only WatchEvseStatus streams opened on {IdleConnections} mutual-TLS connections (one channel factory each) and left idle; server RSS and GC heap after a full compacting collection, before and after, divided by {IdleStreams:N0}.");
        return rows;
    }

    private static async Task<IReadOnlyList<ResultRow>> FanOutAsync(string root, ServerProcess server, StreamTarget target, int pairs)
    {
        Console.WriteLine("fan-out: warm-up");
        for (var round = 0; round < 3; round++)
        {
            await RunWithAsync(root, server, target, 100).ConfigureAwait(false);
            await RunWithAsync(root, server, target, 1).ConfigureAwait(false);
        }

        var one = new List<double>();
        var ten = new List<double>();
        var hundred = new List<double>();
        var tenRatios = new List<double>();
        var hundredRatios = new List<double>();
        for (var pair = 0; pair < pairs; pair++)
        {
            double r1, r10, r100;
            if (pair % 2 == 0)
            {
                r1 = await RunWithAsync(root, server, target, 1).ConfigureAwait(false);
                r10 = await RunWithAsync(root, server, target, 10).ConfigureAwait(false);
                r100 = await RunWithAsync(root, server, target, 100).ConfigureAwait(false);
            }
            else
            {
                r100 = await RunWithAsync(root, server, target, 100).ConfigureAwait(false);
                r10 = await RunWithAsync(root, server, target, 10).ConfigureAwait(false);
                r1 = await RunWithAsync(root, server, target, 1).ConfigureAwait(false);
            }

            one.Add(r1);
            ten.Add(r10);
            hundred.Add(r100);
            tenRatios.Add(r10 / r1);
            hundredRatios.Add(r100 / r1);
            Console.WriteLine($"fan-out pair {pair + 1}: per subscriber 1: {r1:0}/s, 10: {r10:0}/s, 100: {r100:0}/s");
        }

        return
        [
            new ResultRow("4a Fan-out: per-subscriber events/s, 10 subscribers / 1", $"{Stats.Spread(ten, "0")} events/s", $"{Stats.Spread(one, "0")} events/s", tenRatios, "(target at 100)", null),
            new ResultRow("4b Fan-out: per-subscriber events/s, 100 subscribers / 1", $"{Stats.Spread(hundred, "0")} events/s", $"{Stats.Spread(one, "0")} events/s", hundredRatios, ">= 0.7", ratio => ratio >= 0.7),
        ];
    }

    // Each subscribing CSP has its own mutual-TLS connection (its own channel factory), as separate partners do.
    private static async Task<double> RunWithAsync(string root, ServerProcess server, StreamTarget target, int subscribers)
    {
        var extra = new List<StatusStreamConsumer>();
        var factories = new List<PartnerChannelFactory>();
        try
        {
            for (var i = 1; i < subscribers; i++)
            {
                var factory = PartnerChannelFactory.ForClient(Path.Combine(root, "csp"), BenchParties.Csp, NullLoggerFactory.Instance);
                factories.Add(factory);
                extra.Add(await StatusStreamConsumer.OpenAsync(factory.Get(server.Url, BenchParties.Cso), target.Marker).ConfigureAwait(false));
            }

            return await target.RunAsync(FanOutChanges, 4, 100, [target.Consumer, .. extra]).ConfigureAwait(false);
        }
        finally
        {
            foreach (var consumer in extra)
            {
                await consumer.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var factory in factories)
            {
                factory.Dispose();
            }
        }
    }

    private static async Task<ResultRow> ResumeAsync(StreamTarget target)
    {
        Console.WriteLine($"resume: reporting {MissedChanges:N0} changes the resuming consumer misses");
        var cursor = target.Consumer.LastApplied;
        await target.RunAsync(MissedChanges, 4, 100).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var resumed = await StatusStreamConsumer.OpenAsync(target.Channel, target.Marker, cursor).ConfigureAwait(false);
        await using (resumed.ConfigureAwait(false))
        {
            await resumed.MarkerApplied(target.LastMarker).WaitAsync(TimeSpan.FromMinutes(3)).ConfigureAwait(false);
            var caughtUp = Stopwatch.GetElapsedTime(started);
            var firstEvent = Stopwatch.GetElapsedTime(started, resumed.FirstEventTimestamp);
            var entries = resumed.Opened.LatestSequence - cursor;
            var measured = $"first event {firstEvent.TotalMilliseconds:0} ms after reconnect; {entries:N0} missed log entries caught up in {caughtUp.TotalSeconds:0.00} s "
                + $"({entries / caughtUp.TotalSeconds:0} entries/s, {resumed.Events:N0} events delivered)";
            Console.WriteLine($"resume: {measured}");
            return new ResultRow("7 Resume after 100 000 missed changes", measured, "", [], "none set", _ => true);
        }
    }

    private static async Task<IReadOnlyList<ResultRow>> IdleMemoryAsync(string root, ServerProcess server, StreamTarget target)
    {
        Console.WriteLine($"memory: opening {IdleStreams:N0} idle streams on {IdleConnections} connections");
        var before = await server.MemoryAsync().ConfigureAwait(false);
        var factories = new List<PartnerChannelFactory>();
        var streams = new List<StatusStreamConsumer>();
        try
        {
            for (var c = 0; c < IdleConnections; c++)
            {
                var factory = PartnerChannelFactory.ForClient(Path.Combine(root, "csp"), BenchParties.Csp, NullLoggerFactory.Instance);
                factories.Add(factory);
                var channel = factory.Get(server.Url, BenchParties.Cso);
                for (var s = 0; s < IdleStreams / IdleConnections; s++)
                {
                    streams.Add(await StatusStreamConsumer.OpenAsync(channel, target.Marker).ConfigureAwait(false));
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            var after = await server.MemoryAsync().ConfigureAwait(false);
            var rss = (after.Resident - before.Resident) / (double)IdleStreams / 1024;
            var heap = (after.GcHeap - before.GcHeap) / (double)IdleStreams / 1024;
            Console.WriteLine($"memory: {rss:0.0} KiB RSS and {heap:0.0} KiB GC heap per idle stream");
            return
            [
                new ResultRow("6a Memory per idle open stream: server RSS (KiB)", $"{after.Resident / 1048576.0:0} MiB with {IdleStreams:N0} streams", $"{before.Resident / 1048576.0:0} MiB without", [rss], "<= 32 KiB", value => value <= 32),
                new ResultRow("6b Memory per idle open stream: server GC heap (KiB)", $"{after.GcHeap / 1048576.0:0.0} MiB with {IdleStreams:N0} streams", $"{before.GcHeap / 1048576.0:0.0} MiB without", [heap], "<= 32 KiB", value => value <= 32),
            ];
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var factory in factories)
            {
                factory.Dispose();
            }
        }
    }
}
