using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Observability;
using RoamingGrpc.Endpoint.Partners;

namespace RoamingGrpc.Endpoint.Features.Partners;

/// <summary>
/// Partner reachability, reported as the separate gRPC health service <see cref="ServiceName"/> (the endpoint itself
/// keeps serving while a partner is down): unhealthy while a configured partner has not completed the handshake, or
/// durable pushes to a partner wait longer than <see cref="StalePush"/>.
/// </summary>
internal sealed class PartnerHealthCheck(EndpointSettings settings, PartnerDirectory directory, RoamingMetrics metrics) : IHealthCheck
{
    /// <summary>The gRPC health service name that reports partner reachability.</summary>
    public const string ServiceName = "roaminggrpc.partners";

    /// <summary>The tag of this check.</summary>
    public const string Tag = "partners";

    /// <summary>A push waiting longer than this means the partner is not getting our updates.</summary>
    public static readonly TimeSpan StalePush = TimeSpan.FromMinutes(5);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unregistered = settings.Partners.Where(partner => !directory.IsRegistered(partner.Identity)).Select(partner => partner.Identity.ToString()).ToList();
        var stale = metrics.Outbox.Where(row => row.OldestAgeSeconds > StalePush.TotalSeconds).Select(row => row.Partner).ToList();
        if (unregistered.Count == 0 && stale.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"{settings.Partners.Count} configured partner(s) registered, pushes flowing"));
        }

        var problems = new List<string>();
        if (unregistered.Count > 0)
        {
            problems.Add($"no handshake yet with {string.Join(", ", unregistered)}");
        }

        if (stale.Count > 0)
        {
            problems.Add($"pushes older than {StalePush.TotalMinutes:0} min waiting for {string.Join(", ", stale)}");
        }

        return Task.FromResult(HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
