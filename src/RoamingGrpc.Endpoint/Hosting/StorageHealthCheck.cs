using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Healthy while the database answers a read.</summary>
internal sealed class StorageHealthCheck(IDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var version = await database.ReadAsync(
            (connection, ct) => connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", cancellationToken: ct)),
            cancellationToken).ConfigureAwait(false);
        return HealthCheckResult.Healthy($"schema version {version}");
    }
}
