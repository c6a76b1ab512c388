namespace RoamingGrpc.Storage.Tokens;

/// <summary>The token lists partner CSPs distributed to this CSO (UC4-2), for offline authorization.</summary>
public interface IPartnerTokenLists
{
    /// <summary>The CSP's list state, or null (inside the caller's write transaction).</summary>
    PartnerTokenListRow? Find(WriteContext context, string csp);

    /// <summary>Stores the CSP's list state.</summary>
    void Save(WriteContext context, PartnerTokenListRow list);

    /// <summary>Forgets the tokens of an incomplete FULL list.</summary>
    void DiscardPending(WriteContext context, string csp);

    /// <summary>Adds tokens to the incomplete FULL list (a key sent twice keeps the later token).</summary>
    void AddPending(WriteContext context, IReadOnlyList<PartnerTokenRow> tokens);

    /// <summary>Replaces the CSP's tokens with those of the incomplete FULL list.</summary>
    void PromotePending(WriteContext context, string csp);

    /// <summary>Adds or replaces a token of the list in effect.</summary>
    void Put(WriteContext context, PartnerTokenRow token);

    /// <summary>Removes a token from the list in effect.</summary>
    void Delete(WriteContext context, string csp, long type, string uid);

    /// <summary>How many tokens the list in effect holds.</summary>
    long Count(WriteContext context, string csp);

    /// <summary>Every CSP's list state, ordered by CSP.</summary>
    Task<IReadOnlyList<PartnerTokenListRow>> ListsAsync(CancellationToken cancellationToken);

    /// <summary>A token of the CSP's list in effect, or null.</summary>
    Task<PartnerTokenRow?> FindTokenAsync(string csp, long type, string uid, CancellationToken cancellationToken);

    /// <summary>Every token of the CSP's list in effect, ordered by (type, uid).</summary>
    Task<IReadOnlyList<PartnerTokenRow>> TokensAsync(string csp, CancellationToken cancellationToken);
}
