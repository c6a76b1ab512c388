namespace RoamingGrpc.Storage.Tokens;

/// <summary>The tokens a CSP issued (UC4-1, UC4-2). The list version is the greatest change sequence (0 = none).</summary>
public interface ITokenRepository
{
    /// <summary>The stored token (tombstones included), or null (inside the caller's write transaction).</summary>
    TokenRow? Find(WriteContext context, long type, string uid);

    /// <summary>The stored token (tombstones included), or null.</summary>
    Task<TokenRow?> GetAsync(long type, string uid, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="row"/> under the next change sequence (its <see cref="TokenRow.ChangeSeq"/> is
    /// ignored), replacing the previous state of the token; returns the new list version.
    /// </summary>
    long Save(WriteContext context, TokenRow row);

    /// <summary>The current list version.</summary>
    Task<long> VersionAsync(CancellationToken cancellationToken);

    /// <summary>One page of changes; see <see cref="TokenChangeQuery"/>.</summary>
    Task<IReadOnlyList<TokenRow>> ListChangesAsync(TokenChangeQuery query, CancellationToken cancellationToken);

    /// <summary>One page of the current tokens (no tombstones) ordered by (type, uid), after the given key.</summary>
    Task<IReadOnlyList<TokenRow>> ListCurrentAsync(long afterType, string afterUid, int limit, CancellationToken cancellationToken);

    /// <summary>Every current token ordered by (type, uid), and the list version they make up.</summary>
    Task<TokenListSnapshot> SnapshotAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The first <paramref name="limit"/> changes after <paramref name="sinceVersion"/> (tombstones included), in
    /// order, and the current list version, from one committed state.
    /// </summary>
    Task<TokenListSnapshot> ChangesSinceAsync(long sinceVersion, int limit, CancellationToken cancellationToken);
}
