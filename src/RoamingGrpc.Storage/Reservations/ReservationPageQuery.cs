namespace RoamingGrpc.Storage.Reservations;

/// <summary>One page of a provider's reservations: full listings walk by id, deltas by change order; optionally only some states.</summary>
public sealed record ReservationPageQuery(string Provider, long? UpdatedSince, IReadOnlyList<long> States, string? AfterReservationId, long? AfterChangeSeq, int Limit);
