namespace RoamingGrpc.Domain.Pricing;

/// <summary>What a price component prices (OCPI TariffDimensionType).</summary>
public enum PriceDimension
{
    /// <summary>Energy, per kWh; step size in Wh.</summary>
    Energy = 1,

    /// <summary>Charging time, per hour; step size in seconds. On a reservation element: reservation time.</summary>
    Time = 2,

    /// <summary>Parking time (connected, not charging), per hour; step size in seconds.</summary>
    ParkingTime = 3,

    /// <summary>A fee once per session. On a reservation element: a fee once per reservation.</summary>
    Flat = 4,
}
