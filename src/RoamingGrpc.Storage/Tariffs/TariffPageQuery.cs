namespace RoamingGrpc.Storage.Tariffs;

/// <summary>
/// One page of the tariffs a provider may see (its own and the general ones). Full listings walk current tariffs
/// by id; deltas walk changes in order, tombstones included.
/// </summary>
public sealed record TariffPageQuery(string Provider, long? UpdatedSince, string? AfterTariffId, long? AfterChangeSeq, int Limit);
