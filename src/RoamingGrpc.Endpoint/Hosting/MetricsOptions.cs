namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Metrics settings (<c>Roaming:Metrics</c>).</summary>
internal sealed class MetricsOptions
{
    /// <summary>
    /// Where the Prometheus scraping endpoint (<c>GET /metrics</c>, plain HTTP) listens, <c>HOST:PORT</c>; loopback by
    /// default, so only the machine's own collector reads it. Empty = no metrics listener.
    /// </summary>
    public string Listen { get; set; } = "127.0.0.1:9464";

    /// <summary>
    /// Name of the endpoint's OpenTelemetry meter. Meters are collected by name across a process, so endpoints that
    /// share one process (the demo, tests) each take their own name; a deployment keeps the default.
    /// </summary>
    public string MeterName { get; set; } = Observability.RoamingMetrics.MeterName;
}
