using System.Globalization;
using Dapper;

namespace RoamingGrpc.Storage.Support;

/// <summary>All SQL of the CSO's maintenance notices.</summary>
public sealed class MaintenanceStore(IDatabase database) : IMaintenanceStore
{
    private const string Columns =
        "notice_id AS NoticeId, state AS State, kind AS Kind, version AS Version, update_time AS UpdateTime, change_seq AS ChangeSeq, next_transition AS NextTransition, payload AS Payload";

    // The states in these statements are the contract's numbers (MaintenanceNoticeStates), constants of this file,
    // never input. C# admits only string constants in a constant interpolated string, so the statements are built
    // once, here. A current notice is SCHEDULED or ACTIVE.
    private static readonly string ActiveKindsSql = string.Create(
        CultureInfo.InvariantCulture,
        $"""
        SELECT DISTINCT n.kind FROM maintenance_notices n JOIN maintenance_targets t ON t.notice_id = n.notice_id
        WHERE t.evse_id = @evseId AND n.state = {MaintenanceNoticeStates.Active}
        """);

    private static readonly string ListSql = string.Create(
        CultureInfo.InvariantCulture,
        $"""
        SELECT {Columns} FROM maintenance_notices n
        WHERE (CASE WHEN @UpdatedSince IS NULL THEN (n.state IN ({MaintenanceNoticeStates.Scheduled}, {MaintenanceNoticeStates.Active}) OR @IncludeEnded = 1) ELSE n.update_time >= @UpdatedSince END)
          AND (@SiteId IS NULL OR EXISTS (SELECT 1 FROM maintenance_targets t WHERE t.notice_id = n.notice_id AND t.site_id = @SiteId))
          AND (@EvseId IS NULL OR EXISTS (SELECT 1 FROM maintenance_targets t WHERE t.notice_id = n.notice_id AND t.evse_id = @EvseId))
          AND n.change_seq > COALESCE(@AfterChangeSeq, -1)
        ORDER BY n.change_seq
        LIMIT @Limit
        """);

    /// <inheritdoc />
    public MaintenanceNoticeRow? Find(WriteContext context, string noticeId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<MaintenanceNoticeRow>(
            $"SELECT {Columns} FROM maintenance_notices WHERE notice_id = @noticeId", new { noticeId }, context.Transaction);
    }

    /// <inheritdoc />
    public void Save(WriteContext context, MaintenanceNoticeRow row, IReadOnlyCollection<MaintenanceTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(targets);
        context.Connection.Execute(
            """
            INSERT INTO maintenance_notices (notice_id, state, kind, version, update_time, change_seq, next_transition, payload)
            VALUES (@NoticeId, @State, @Kind, @Version, @UpdateTime, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM maintenance_notices), @NextTransition, @Payload)
            ON CONFLICT (notice_id) DO UPDATE SET
                state = excluded.state, kind = excluded.kind, version = excluded.version, update_time = excluded.update_time,
                change_seq = excluded.change_seq, next_transition = excluded.next_transition, payload = excluded.payload
            """,
            row,
            context.Transaction);
        context.Connection.Execute("DELETE FROM maintenance_targets WHERE notice_id = @NoticeId", new { row.NoticeId }, context.Transaction);
        context.Connection.Execute(
            "INSERT INTO maintenance_targets (notice_id, site_id, evse_id) VALUES (@NoticeId, @SiteId, @EvseId)",
            targets.Select(target => new { row.NoticeId, target.SiteId, target.EvseId }),
            context.Transaction);
    }

    /// <inheritdoc />
    public IReadOnlyList<MaintenanceTarget> Targets(WriteContext context, string noticeId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.Query<MaintenanceTarget>(
            "SELECT site_id AS SiteId, evse_id AS EvseId FROM maintenance_targets WHERE notice_id = @noticeId ORDER BY site_id, evse_id",
            new { noticeId },
            context.Transaction).AsList();
    }

    /// <inheritdoc />
    public IReadOnlyList<long> ActiveKindsAt(WriteContext context, string evseId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.Query<long>(ActiveKindsSql, new { evseId }, context.Transaction).AsList();
    }

    /// <inheritdoc />
    public IReadOnlySet<string> HeldAmong(WriteContext context, IReadOnlyCollection<string> evseIds)
    {
        ArgumentNullException.ThrowIfNull(context);
        var held = new HashSet<string>(StringComparer.Ordinal);
        using var statement = context.Statement("SELECT evse_id FROM maintenance_holds WHERE evse_id IN (SELECT value FROM json_each(?1))")
            .Text(1, SqlList.Of(evseIds));
        while (statement.Step())
        {
            held.Add(statement.TextAt(0));
        }

        return held;
    }

    /// <inheritdoc />
    public MaintenanceHold? Hold(WriteContext context, string evseId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.QuerySingleOrDefault<MaintenanceHold>(
            "SELECT evse_id AS EvseId, prior_status AS PriorStatus, prior_change_time AS PriorChangeTime, hold_time AS HoldTime FROM maintenance_holds WHERE evse_id = @evseId",
            new { evseId },
            context.Transaction);
    }

    /// <inheritdoc />
    public void SaveHold(WriteContext context, MaintenanceHold hold)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute(
            """
            INSERT INTO maintenance_holds (evse_id, prior_status, prior_change_time, hold_time)
            VALUES (@EvseId, @PriorStatus, @PriorChangeTime, @HoldTime)
            ON CONFLICT (evse_id) DO UPDATE SET
                prior_status = excluded.prior_status, prior_change_time = excluded.prior_change_time, hold_time = excluded.hold_time
            """,
            hold,
            context.Transaction);
    }

    /// <inheritdoc />
    public void RemoveHold(WriteContext context, string evseId)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Connection.Execute("DELETE FROM maintenance_holds WHERE evse_id = @evseId", new { evseId }, context.Transaction);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(
            async (connection, ct) => (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT notice_id FROM maintenance_notices WHERE next_transition <= @now ORDER BY next_transition",
                new { now = now.ToUnixTimeMilliseconds() },
                cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MaintenanceNoticeRow>> ListAsync(MaintenancePageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new
        {
            query.UpdatedSince,
            IncludeEnded = query.IncludeEnded ? 1L : 0L,
            query.SiteId,
            query.EvseId,
            query.AfterChangeSeq,
            query.Limit,
        };
        return database.ReadAsync<IReadOnlyList<MaintenanceNoticeRow>>(
            async (connection, ct) => (await connection.QueryAsync<MaintenanceNoticeRow>(new CommandDefinition(ListSql, parameters, cancellationToken: ct)).ConfigureAwait(false)).AsList(),
            cancellationToken);
    }
}
