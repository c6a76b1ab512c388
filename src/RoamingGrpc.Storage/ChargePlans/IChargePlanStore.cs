namespace RoamingGrpc.Storage.ChargePlans;

/// <summary>The charge plans of the CSO's sessions (UC3-7, UC3-10).</summary>
public interface IChargePlanStore
{
    /// <summary>The plans of a session, or null (inside the caller's write transaction).</summary>
    ChargePlanRow? Find(WriteContext context, string sessionId);

    /// <summary>Stores the plans of a session.</summary>
    void Save(WriteContext context, ChargePlanRow row);

    /// <summary>The plans of a session, or null.</summary>
    Task<ChargePlanRow?> GetAsync(string sessionId, CancellationToken cancellationToken);
}
