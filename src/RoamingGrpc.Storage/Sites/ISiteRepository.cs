namespace RoamingGrpc.Storage.Sites;

/// <summary>The CSO's own sites (UC1-2).</summary>
public interface ISiteRepository
{
    /// <summary>The site (removed ones included), or null.</summary>
    Task<SiteRow?> GetAsync(string siteId, CancellationToken cancellationToken);

    /// <summary>The current (not removed) site that has the EVSE, or null.</summary>
    Task<SiteRow?> GetByEvseAsync(string evseId, CancellationToken cancellationToken);

    /// <summary>One page of sites; see <see cref="SitePageQuery"/>.</summary>
    Task<IReadOnlyList<SiteRow>> ListAsync(SitePageQuery query, CancellationToken cancellationToken);

    /// <summary>The stored site, or null (inside the caller's write transaction).</summary>
    SiteRow? Find(WriteContext context, string siteId);

    /// <summary>The site an EVSE belongs to, or null (inside the caller's write transaction).</summary>
    string? SiteOfEvse(WriteContext context, string evseId);

    /// <summary>The sites of several EVSEs in one query (EVSEs on no site are absent), inside the caller's write transaction.</summary>
    IReadOnlyDictionary<string, string> SitesOfEvses(WriteContext context, IReadOnlyCollection<string> evseIds);

    /// <summary>The next endpoint-wide change sequence (inside the caller's write transaction).</summary>
    long NextChangeSeq(WriteContext context);

    /// <summary>Stores <paramref name="row"/> and its EVSE ids, replacing the previous version of the site.</summary>
    void Save(WriteContext context, SiteRow row, IReadOnlyCollection<string> evseIds);
}
