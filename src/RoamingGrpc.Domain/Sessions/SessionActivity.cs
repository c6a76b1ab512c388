namespace RoamingGrpc.Domain.Sessions;

/// <summary>What an active session is doing between two events; decides which tariff dimension its time counts in.</summary>
public enum SessionActivity
{
    /// <summary>Energy transfer possible (the TIME dimension).</summary>
    Charging,

    /// <summary>Connected but not charging: suspended or charging ended (the PARKING_TIME dimension).</summary>
    Parking,
}
