namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Health listener settings (<c>Roaming:Health</c>).</summary>
internal sealed class HealthOptions
{
    /// <summary>
    /// Where the health listener listens, <c>HOST:PORT</c> on a loopback address: plain HTTP/2 without client
    /// certificates, serving <c>grpc.health.v1.Health</c> only, for a load balancer or monitoring agent on the same
    /// machine. Empty (the default) = no health listener; on the partner-facing listener health answers configured
    /// partners and the own back office only.
    /// </summary>
    public string Listen { get; set; } = string.Empty;
}
