namespace RoamingGrpc.Domain.Pricing;

/// <summary>What a dimension of a charging period measures, with its unit (OCPI CdrDimensionType).</summary>
public enum PeriodDimensionType
{
    /// <summary>Energy delivered in the period, kWh.</summary>
    Energy = 1,

    /// <summary>Charging time in the period, hours.</summary>
    Time = 2,

    /// <summary>Parking time in the period, hours.</summary>
    ParkingTime = 3,

    /// <summary>Reservation time in the period, hours.</summary>
    ReservationTime = 4,

    /// <summary>A flat fee charged in the period, count (1).</summary>
    Flat = 5,

    /// <summary>Highest power in the period, kW (known powers only).</summary>
    MaxPower = 6,

    /// <summary>Lowest power in the period, kW (known powers only).</summary>
    MinPower = 7,

    /// <summary>Highest current in the period, A (known currents only).</summary>
    MaxCurrent = 8,

    /// <summary>Lowest current in the period, A (known currents only).</summary>
    MinCurrent = 9,
}
