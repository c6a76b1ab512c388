namespace RoamingGrpc.Storage.Reservations;

/// <summary>The CSO's reservations of EVSEs (UC3-8).</summary>
public interface IReservationStore
{
    /// <summary>The reservation, or null (inside the caller's write transaction).</summary>
    ReservationRow? Find(WriteContext context, string reservationId);

    /// <summary>The reservation holding an EVSE (pending or active), or null.</summary>
    ReservationRow? HoldingEvse(WriteContext context, string evseId);

    /// <summary>Stores a new version of a reservation (a fresh change sequence is assigned).</summary>
    void Save(WriteContext context, ReservationRow row);

    /// <summary>The reservation (any provider), or null.</summary>
    Task<ReservationRow?> GetAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>One page of a provider's reservations.</summary>
    Task<IReadOnlyList<ReservationRow>> ListAsync(ReservationPageQuery query, CancellationToken cancellationToken);

    /// <summary>Reservations still holding their EVSE whose expiry time is at or before <paramref name="now"/>, soonest first.</summary>
    Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
