namespace RoamingGrpc.Storage.Tokens;

/// <summary>
/// A partner CSP's token list as this CSO holds it: the version (0 = none) and salt (empty = uids in clear) of the
/// list in effect, and of the FULL list being received in chunks (<see cref="PendingVersion"/> null = none).
/// </summary>
public sealed record PartnerTokenListRow(
    string Csp,
    long Version,
    byte[] Salt,
    long? PendingVersion,
    byte[] PendingSalt,
    long PendingNextChunk,
    long UpdateTime);
