namespace RoamingGrpc.Storage.Support;

/// <summary>The CSO's maintenance notices, what they affect, and the EVSE statuses they hold (UC5-1).</summary>
public interface IMaintenanceStore
{
    /// <summary>The notice, or null (inside the caller's write transaction).</summary>
    MaintenanceNoticeRow? Find(WriteContext context, string noticeId);

    /// <summary>Stores a version of a notice (a fresh change sequence is assigned) and replaces what it affects.</summary>
    void Save(WriteContext context, MaintenanceNoticeRow row, IReadOnlyCollection<MaintenanceTarget> targets);

    /// <summary>What the notice affects as last stored.</summary>
    IReadOnlyList<MaintenanceTarget> Targets(WriteContext context, string noticeId);

    /// <summary>The kinds (MaintenanceKind) of the ACTIVE notices that affect an EVSE.</summary>
    IReadOnlyList<long> ActiveKindsAt(WriteContext context, string evseId);

    /// <summary>The hold on an EVSE's status, or null.</summary>
    MaintenanceHold? Hold(WriteContext context, string evseId);

    /// <summary>Which of these EVSEs a maintenance notice holds now, in one query (inside the caller's write transaction).</summary>
    IReadOnlySet<string> HeldAmong(WriteContext context, IReadOnlyCollection<string> evseIds);

    /// <summary>Creates or replaces the hold on an EVSE's status.</summary>
    void SaveHold(WriteContext context, MaintenanceHold hold);

    /// <summary>Releases the hold on an EVSE's status.</summary>
    void RemoveHold(WriteContext context, string evseId);

    /// <summary>Ids of the notices whose state is due to move at <paramref name="now"/> (start or end passed).</summary>
    Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>One page of notices; see <see cref="MaintenancePageQuery"/>.</summary>
    Task<IReadOnlyList<MaintenanceNoticeRow>> ListAsync(MaintenancePageQuery query, CancellationToken cancellationToken);
}
