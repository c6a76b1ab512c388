namespace RoamingGrpc.Storage.Tokens;

/// <summary>Tokens read together with the list version they belong to, from one committed state.</summary>
public sealed record TokenListSnapshot(long Version, IReadOnlyList<TokenRow> Tokens);
