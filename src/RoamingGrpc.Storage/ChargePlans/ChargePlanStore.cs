using Dapper;

namespace RoamingGrpc.Storage.ChargePlans;

/// <summary>All SQL of the charge plans of the CSO's sessions.</summary>
public sealed class ChargePlanStore(IDatabase database) : IChargePlanStore
{
    private const string Columns = "session_id AS SessionId, provider AS Provider, version AS Version, csp_plan AS CspPlan, cso_plan AS CsoPlan";

    /// <inheritdoc />
    public ChargePlanRow? Find(WriteContext context, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<ChargePlanRow>($"SELECT {Columns} FROM charge_plans WHERE session_id = @sessionId", new { sessionId }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, ChargePlanRow row)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(row);
        context.Connection.Execute(
            """
            INSERT INTO charge_plans (session_id, provider, version, csp_plan, cso_plan)
            VALUES (@SessionId, @Provider, @Version, @CspPlan, @CsoPlan)
            ON CONFLICT (session_id) DO UPDATE SET
                version = excluded.version, csp_plan = excluded.csp_plan, cso_plan = excluded.cso_plan
            """,
            row,
            context.Transaction);
    }

    /// <inheritdoc />
    public Task<ChargePlanRow?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        database.ReadAsync(
            (connection, ct) => connection.QuerySingleOrDefaultAsync<ChargePlanRow>(
                new CommandDefinition($"SELECT {Columns} FROM charge_plans WHERE session_id = @sessionId", new { sessionId }, cancellationToken: ct)),
            cancellationToken);
}
