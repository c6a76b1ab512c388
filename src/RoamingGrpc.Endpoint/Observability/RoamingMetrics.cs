using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RoamingGrpc.Endpoint.Observability;

/// <summary>
/// The endpoint's OpenTelemetry metrics (meter <c>Roaming:Metrics:MeterName</c>, by default <see cref="MeterName"/>), exported in Prometheus format on the metrics
/// listener: calls by method and status code, call and authorization latency, open streams, events behind per partner
/// stream, outbox depth and age per partner, connections and calls refused by the limits, connections still in the
/// TLS handshake.
/// </summary>
internal sealed class RoamingMetrics : IDisposable
{
    /// <summary>The default meter name (<c>Roaming:Metrics:MeterName</c>).</summary>
    public const string MeterName = "RoamingGrpc.Endpoint";

    // Latency buckets in seconds, from a millisecond to the 5 s authorization deadline and beyond.
    private static readonly InstrumentAdvice<double> SecondsBuckets = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _callDuration;
    private readonly Histogram<double> _authorizationDuration;
    private readonly UpDownCounter<long> _openStreams;
    private readonly Counter<long> _refusals;
    private Func<int> _unauthenticated = () => 0;
    private readonly ConcurrentDictionary<long, (string Rpc, string Partner, Func<long> Behind)> _streams = new();
    private IReadOnlyList<(string Partner, long Depth, double OldestAgeSeconds)> _outbox = [];
    private long _nextStream;

    /// <summary>Creates the instruments on a meter of <paramref name="meterFactory"/>.</summary>
    public RoamingMetrics(IMeterFactory meterFactory, Hosting.EndpointSettings settings)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(settings);
        _meter = meterFactory.Create(settings.MeterName);
        _calls = _meter.CreateCounter<long>("roaming.rpc.calls", "{call}", "Completed calls served, by gRPC method and status code.");
        _callDuration = _meter.CreateHistogram("roaming.rpc.duration", "s", "Duration of served calls (streams: their whole life), by method and status code.", advice: SecondsBuckets);
        _authorizationDuration = _meter.CreateHistogram("roaming.authorization.duration", "s", "Time to decide a presented token (UC4-1 online or UC4-2 offline), by method and decision.", advice: SecondsBuckets);
        _openStreams = _meter.CreateUpDownCounter<long>("roaming.streams.open", "{stream}", "Resumable streams open now, by RPC.");
        _meter.CreateObservableGauge("roaming.stream.events_behind", ObserveBehind, "{event}", "Events in the change log that a partner's stream has not acknowledged yet, by RPC and partner.");
        _meter.CreateObservableGauge("roaming.outbox.depth", () => _outbox.Select(row => new Measurement<long>(row.Depth, new KeyValuePair<string, object?>("partner", row.Partner))), "{entry}", "Durable pushes waiting for a partner.");
        _refusals = _meter.CreateCounter<long>("roaming.refusals", "{refusal}", "Connections and calls refused by TLS or the endpoint's limits, by reason.");
        _meter.CreateObservableGauge("roaming.connections.unauthenticated", () => Volatile.Read(ref _unauthenticated)(), "{connection}", "Connections in the TLS handshake now (not authenticated yet).");
        _meter.CreateObservableGauge("roaming.outbox.oldest_age", () => _outbox.Select(row => new Measurement<double>(row.OldestAgeSeconds, new KeyValuePair<string, object?>("partner", row.Partner))), "s", "Age of the oldest durable push waiting for a partner.");
    }

    /// <summary>Records a served call with its status code name (e.g. <c>NOT_FOUND</c>).</summary>
    public void RecordCall(string method, string status, TimeSpan elapsed)
    {
        var tags = new TagList { { "method", method }, { "status", status } };
        _calls.Add(1, tags);
        _callDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Records an authorization decision on the CSO.</summary>
    public void RecordAuthorization(string method, string decision, TimeSpan elapsed) =>
        _authorizationDuration.Record(elapsed.TotalSeconds, new TagList { { "method", method }, { "decision", decision } });

    /// <summary>Counts a refused connection or call by <paramref name="reason"/> (e.g. <c>certificate_refused</c>).</summary>
    public void RecordRefusal(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Where the number of connections in the TLS handshake is read from.</summary>
    public void ObserveUnauthenticated(Func<int> unauthenticated) => Volatile.Write(ref _unauthenticated, unauthenticated);

    /// <summary>Counts an open stream until the returned handle is disposed; <paramref name="behind"/> tells its lag.</summary>
    public IDisposable TrackStream(string rpc, string partner, Func<long> behind)
    {
        var id = Interlocked.Increment(ref _nextStream);
        _streams[id] = (rpc, partner, behind);
        _openStreams.Add(1, new KeyValuePair<string, object?>("rpc", rpc));
        return new StreamHandle(this, id, rpc);
    }

    /// <summary>The latest outbox sample.</summary>
    public IReadOnlyList<(string Partner, long Depth, double OldestAgeSeconds)> Outbox => Volatile.Read(ref _outbox);

    /// <summary>The latest outbox sample (per partner: waiting entries and the oldest one's age).</summary>
    public void SetOutbox(IReadOnlyList<(string Partner, long Depth, double OldestAgeSeconds)> outbox) => Volatile.Write(ref _outbox, outbox);

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> ObserveBehind() =>
        _streams.Values
            .GroupBy(stream => (stream.Rpc, stream.Partner))
            .Select(group => new Measurement<long>(
                group.Max(stream => stream.Behind()),
                new KeyValuePair<string, object?>("rpc", group.Key.Rpc),
                new KeyValuePair<string, object?>("partner", group.Key.Partner)));

    private sealed class StreamHandle(RoamingMetrics metrics, long id, string rpc) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                metrics._streams.TryRemove(id, out _);
                metrics._openStreams.Add(-1, new KeyValuePair<string, object?>("rpc", rpc));
            }
        }
    }
}
