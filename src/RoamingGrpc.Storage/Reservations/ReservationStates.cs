namespace RoamingGrpc.Storage.Reservations;

/// <summary>
/// The reservation states the reservation SQL names. <c>reservations.state</c> holds the contract's ReservationState
/// numbers, so these are the contract's numbers, frozen by v1 (never renumbered); a test compares each with the
/// generated enum.
/// </summary>
internal static class ReservationStates
{
    /// <summary>RESERVATION_STATE_PENDING: accepted by the CSO, not yet confirmed by the station; holds its EVSE.</summary>
    public const long Pending = 1;

    /// <summary>RESERVATION_STATE_ACTIVE: confirmed; the EVSE is held for the token.</summary>
    public const long Active = 2;
}
