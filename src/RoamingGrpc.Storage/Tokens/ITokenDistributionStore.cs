namespace RoamingGrpc.Storage.Tokens;

/// <summary>The CSP's record of what each CSO partner holds of its token list (durable distribution, UC4-2).</summary>
public interface ITokenDistributionStore
{
    /// <summary>
    /// The partner's state, created with <paramref name="newSalt"/> (and nothing held) if it has none yet; an
    /// existing salt is kept.
    /// </summary>
    Task<TokenDistributionRow> EnsureAsync(string cso, byte[] newSalt, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records the list version the partner holds now (null: unknown, send a FULL list next).</summary>
    Task RecordHeldAsync(string cso, long? heldVersion, bool hashed, DateTimeOffset now, CancellationToken cancellationToken);
}
