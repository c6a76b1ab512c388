namespace RoamingGrpc.Domain.Pricing;

/// <summary>Which part of a session a point belongs to; decides which elements may apply.</summary>
internal enum PricingPhase
{
    /// <summary>Charging or parking: elements without a reservation restriction.</summary>
    Session = 0,

    /// <summary>A reservation that was used: RESERVATION elements.</summary>
    Reservation = 1,

    /// <summary>A reservation that expired unused: RESERVATION and RESERVATION_EXPIRES elements.</summary>
    ExpiredReservation = 2,
}
