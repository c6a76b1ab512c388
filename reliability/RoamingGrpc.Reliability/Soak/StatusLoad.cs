using System.Diagnostics;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Soak;

/// <summary>
/// The national network's status traffic: stations of many EVSEs report changes at a target rate, in batches of
/// <see cref="Batch"/> (one ReportEvseStatus call each), from <see cref="Reporters"/> concurrent back-office clients,
/// each reporting its own share of the EVSEs (so that each EVSE's changes stay in order). Paced by schedule: a
/// reporter that falls behind catches up without pausing, so the achieved rate shows what the endpoint took.
/// </summary>
internal sealed class StatusLoad(RoamingPair pair, Retrying retrying, IReadOnlyList<string> evses, double changesPerSecond, Interval interval)
{
    public const int Batch = 100;
    public const int Reporters = 4;
    private static readonly EvseStatus[] Cycle = [EvseStatus.Available, EvseStatus.Charging, EvseStatus.Blocked];
    private readonly ChangeClock _clock = new();

    public Task RunAsync(CancellationToken stop, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, Reporters).Select(reporter => ReporterAsync(
            evses.Where((_, i) => i % Reporters == reporter).ToList(),
            changesPerSecond / Reporters,
            stop,
            cancellationToken)));

    private async Task ReporterAsync(List<string> share, double rate, CancellationToken stop, CancellationToken cancellationToken)
    {
        var steps = new int[share.Count];
        var cursor = 0;
        var watch = Stopwatch.StartNew();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
            for (var i = 0; i < Batch; i++)
            {
                request.Statuses.Add(new EvseStatusEvent { EvseId = share[cursor], Status = Cycle[steps[cursor]++ % Cycle.Length], ChangeTime = _clock.Next() });
                cursor = (cursor + 1) % share.Count;
            }

            var started = Stopwatch.GetTimestamp();
            var answer = await retrying.CallAsync("ReportEvseStatus", options => pair.CsoBackoffice.ReportEvseStatusAsync(request, options), cancellationToken).ConfigureAwait(false);
            interval.Reported((int)answer.AppliedCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            sent += Batch;
            var due = TimeSpan.FromSeconds(sent / rate) - watch.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, stop).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }
}
