namespace RoamingGrpc.Domain.Pricing;

/// <summary>What a priced volume was billed as.</summary>
public enum BilledDimension
{
    /// <summary>Energy, kWh.</summary>
    Energy = 1,

    /// <summary>Charging time, hours.</summary>
    Time = 2,

    /// <summary>Parking time, hours.</summary>
    ParkingTime = 3,

    /// <summary>The session's flat fee, count.</summary>
    Flat = 4,

    /// <summary>Reservation time, hours (TIME components of reservation elements).</summary>
    ReservationTime = 5,

    /// <summary>The reservation's flat fee, count (FLAT components of reservation elements).</summary>
    ReservationFlat = 6,
}
