namespace RoamingGrpc.Storage.Charging;

/// <summary>The CSO's service detail records (UC3-9).</summary>
public interface ISdrStore
{
    /// <summary>The SDR, or null (inside the caller's write transaction).</summary>
    SdrRow? Find(WriteContext context, string sdrId);

    /// <summary>The SDR that billed a session first (origin session), or null.</summary>
    SdrRow? OfSession(WriteContext context, string sessionId);

    /// <summary>Stores a new version of an SDR (a fresh change sequence is assigned).</summary>
    void Save(WriteContext context, SdrRow row);

    /// <summary>The SDR (any provider), or null.</summary>
    Task<SdrRow?> GetAsync(string sdrId, CancellationToken cancellationToken);

    /// <summary>One page of a provider's SDRs.</summary>
    Task<IReadOnlyList<SdrRow>> ListAsync(SdrPageQuery query, CancellationToken cancellationToken);
}
