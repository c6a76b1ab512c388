namespace RoamingGrpc.Storage.Support;

/// <summary>One page of the unlock audit log, newest first, before <see cref="BeforeAuditId"/> when set.</summary>
public sealed record UnlockPageQuery(
    string? Provider,
    string? EvseId,
    long? RequestedSince,
    long? BeforeAuditId,
    int Limit);
