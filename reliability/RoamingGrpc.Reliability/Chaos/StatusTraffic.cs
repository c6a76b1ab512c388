using System.Diagnostics;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// The stations of the status sites report status changes at a rate, in batches (one ReportEvseStatus call each,
/// retried with the same request_id until answered). Every change is new (another status, a later time), so every
/// answer must say all applied: a retry that applied a batch twice, or lost it, shows in the counts, and in the
/// CSO's status log at the end.
/// </summary>
internal sealed class StatusTraffic(ChaosContext context, double changesPerSecond, int batchSize)
{
    private static readonly EvseStatus[] Cycle = [EvseStatus.Available, EvseStatus.Charging, EvseStatus.Blocked];
    private readonly Dictionary<string, int> _next = new(StringComparer.Ordinal);
    private int _cursor;

    public async Task RunAsync(CancellationToken stop, CancellationToken cancellationToken)
    {
        var evses = context.Network.StatusEvses;
        var watch = Stopwatch.StartNew();
        long sent = 0;
        while (!stop.IsCancellationRequested)
        {
            var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
            var statuses = new List<(string EvseId, EvseStatus Status)>(batchSize);
            for (var i = 0; i < Math.Min(batchSize, evses.Count); i++)
            {
                var evseId = evses[_cursor];
                _cursor = (_cursor + 1) % evses.Count;
                var step = _next.GetValueOrDefault(evseId);
                _next[evseId] = step + 1;
                var status = Cycle[step % Cycle.Length];
                statuses.Add((evseId, status));
                request.Statuses.Add(new EvseStatusEvent { EvseId = evseId, Status = status, ChangeTime = context.NextChangeTime() });
            }

            var answer = await context.Retrying.CallAsync("ReportEvseStatus", options => context.Pair.CsoBackoffice.ReportEvseStatusAsync(request, options), cancellationToken).ConfigureAwait(false);
            if (answer.AppliedCount != statuses.Count || answer.IgnoredCount != 0)
            {
                context.Ledger.Violation($"ReportEvseStatus {request.RequestId}: {statuses.Count} new changes answered applied {answer.AppliedCount}, ignored {answer.IgnoredCount}");
            }

            foreach (var (evseId, status) in statuses)
            {
                context.Ledger.Statuses.GetOrAdd(evseId, _ => []).Add(status);
            }

            context.Ledger.StatusBatch(statuses.Count);
            sent += statuses.Count;
            var due = TimeSpan.FromSeconds(sent / changesPerSecond) - watch.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
