using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Observability;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// Keeps refusals from flooding the log: every refusal is counted in <c>roaming_refusals_total</c> by reason, but only
/// the first one of a source is logged in full (by the caller, when <see cref="Record"/> says so); the ones after it
/// are counted per source and written as one summary line per source and <c>Limits:RefusalLogInterval</c>. A source
/// that stayed quiet for a whole interval is forgotten, so its next refusal is logged in full again. At most
/// <see cref="MaxSources"/> sources are told apart; past that, the others are summarized together.
/// </summary>
internal sealed partial class RefusalLog : IDisposable
{
    /// <summary>Sources followed one by one; more are summarized as <see cref="OtherSources"/>.</summary>
    public const int MaxSources = 10_000;

    /// <summary>The summary line's name for the sources past <see cref="MaxSources"/>.</summary>
    public const string OtherSources = "(other sources)";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Window> _sources = new(StringComparer.Ordinal);
    private readonly RoamingMetrics _metrics;
    private readonly ILogger<RefusalLog> _logger;
    private readonly TimeSpan _interval;
    private readonly ITimer _timer;

    public RefusalLog(RoamingMetrics metrics, IOptions<LimitsOptions> limits, TimeProvider time, ILogger<RefusalLog> logger)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(time);
        _metrics = metrics;
        _logger = logger;
        _interval = limits.Value.RefusalLogInterval;
        _timer = time.CreateTimer(_ => Summarize(), null, _interval, _interval);
    }

    /// <summary>
    /// Counts a refusal of <paramref name="reason"/> from <paramref name="source"/>; true when the caller should log
    /// it in full (the first from this source in the current interval), false when it is left to the summary.
    /// </summary>
    public bool Record(string source, RefusalReason reason)
    {
        _metrics.RecordRefusal(reason.Name());
        lock (_gate)
        {
            if (_sources.TryGetValue(source, out var window))
            {
                window.Add(reason);
                return false;
            }

            if (_sources.Count >= MaxSources)
            {
                if (!_sources.TryGetValue(OtherSources, out var others))
                {
                    _sources[OtherSources] = others = new Window();
                }

                others.Add(reason);
                return false;
            }

            _sources[source] = new Window();
            return true;
        }
    }

    /// <summary>How often refusals are summarized per source.</summary>
    public TimeSpan Interval => _interval;

    public void Dispose() => _timer.Dispose();

    /// <summary>Writes one line per source refused since the last summary and forgets the sources that stayed quiet.</summary>
    internal void Summarize()
    {
        List<(string Source, Window Counts)> due = [];
        lock (_gate)
        {
            foreach (var (source, window) in _sources)
            {
                if (window.Total == 0)
                {
                    _sources.Remove(source);
                }
                else
                {
                    due.Add((source, window.TakeCounts()));
                }
            }
        }

        foreach (var (source, counts) in due)
        {
            var reasons = counts.Describe();
            if (counts.AllQuiet)
            {
                Log.QuietRefusalsSummarized(_logger, counts.Total, source, _interval, reasons);
            }
            else
            {
                Log.RefusalsSummarized(_logger, counts.Total, source, _interval, reasons);
            }
        }
    }

    // Refusals of one source since the last summary, by reason.
    private sealed class Window
    {
        private readonly long[] _counts = new long[Enum.GetValues<RefusalReason>().Length];

        public long Total { get; private set; }

        public bool AllQuiet => Enum.GetValues<RefusalReason>().All(reason => reason.IsQuiet() || _counts[(int)reason] == 0);

        public void Add(RefusalReason reason)
        {
            _counts[(int)reason]++;
            Total++;
        }

        public Window TakeCounts()
        {
            var taken = new Window();
            Array.Copy(_counts, taken._counts, _counts.Length);
            taken.Total = Total;
            Array.Clear(_counts);
            Total = 0;
            return taken;
        }

        public string Describe() => string.Join(
            ", ",
            Enum.GetValues<RefusalReason>().Where(reason => _counts[(int)reason] > 0).Select(reason => $"{reason.Name()} {_counts[(int)reason].ToString(CultureInfo.InvariantCulture)}"));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Limits.RefusalsSummarized, Level = LogLevel.Warning, Message = "{Count} more refusals from {Source} in the last {Interval}: {Reasons}")]
        public static partial void RefusalsSummarized(ILogger logger, long count, string source, TimeSpan interval, string reasons);

        [LoggerMessage(EventId = LogEvents.Limits.QuietRefusalsSummarized, Level = LogLevel.Information, Message = "{Count} more refusals from {Source} in the last {Interval}: {Reasons}")]
        public static partial void QuietRefusalsSummarized(ILogger logger, long count, string source, TimeSpan interval, string reasons);
    }
}
