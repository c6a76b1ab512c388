using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Observability;
using RoamingGrpc.Endpoint.Partners;

namespace RoamingGrpc.Endpoint.Features.Partners;

/// <summary>
/// Partner reachability, reported as the separate gRPC health service <see cref="ServiceName"/> (the endpoint itself
/// keeps serving while a partner is down): unhealthy while a configured partner has not completed the handshake,
/// durable pushes to a partner wait longer than <see cref="StalePush"/>, or the <see cref="ReachabilityTracker"/> holds a
/// partner unreachable (named with the reason, so that an operator sees which partner and why).
/// </summary>
internal sealed class PartnerHealthCheck(EndpointSettings settings, PartnerDirectory directory, ReachabilityTracker reachability, RoamingMetrics metrics) : IHealthCheck
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
        var unreachable = reachability.Unreachable
            .Where(entry => directory.IsAdmitted(entry.Partner))
            .OrderBy(entry => entry.Partner.ToString(), StringComparer.Ordinal)
            .ToList();
        if (unregistered.Count == 0 && stale.Count == 0 && unreachable.Count == 0)
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

        foreach (var entry in unreachable)
        {
            var since = entry.FailingSinceTime?.ToString("u", CultureInfo.InvariantCulture) ?? "-";
            problems.Add($"{entry.Partner} unreachable at {directory.Find(entry.Partner)?.EndpointUrl ?? "(no URL)"}: {entry.ConsecutiveFailures} calls failed since {since}, the latest {entry.LastErrorCode}: {entry.LastErrorMessage}");
        }

        return Task.FromResult(HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
