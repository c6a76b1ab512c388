using System.Diagnostics;

namespace RoamingGrpc.Bench;

/// <summary>Closed-loop load: <c>concurrency</c> callers, each issuing the next call when the previous one answered.</summary>
internal static class UnaryLoad
{
    public static async Task<LoadResult> RunAsync(int concurrency, TimeSpan duration, Func<int, Task> call)
    {
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<double>(4096);
            var i = worker;
            while (watch.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                await call(i).ConfigureAwait(false);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                i += concurrency;
            }

            return latencies;
        })).ToList();
        var all = await Task.WhenAll(workers).ConfigureAwait(false);
        watch.Stop();
        var merged = all.SelectMany(latencies => latencies).ToList();
        return new LoadResult(merged.Count, watch.Elapsed, merged);
    }
}
