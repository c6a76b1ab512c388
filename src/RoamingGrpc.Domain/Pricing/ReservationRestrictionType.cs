namespace RoamingGrpc.Domain.Pricing;

/// <summary>Whether a tariff element prices a reservation (OCPI ReservationRestrictionType).</summary>
public enum ReservationRestrictionType
{
    /// <summary>Not a reservation element: prices charging and parking.</summary>
    None = 0,

    /// <summary>Prices the reservation time of any reservation, used or expired.</summary>
    Reservation = 1,

    /// <summary>Prices the reservation time of a reservation that expired unused, only.</summary>
    ReservationExpires = 2,
}
