namespace RoamingGrpc.Storage.Charging;

/// <summary>One page of a provider's sessions: full listings walk by id, deltas by change order; optionally only some states.</summary>
public sealed record SessionPageQuery(string Provider, long? UpdatedSince, IReadOnlyList<long> States, string? AfterSessionId, long? AfterChangeSeq, int Limit);
