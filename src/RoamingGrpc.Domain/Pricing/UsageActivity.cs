namespace RoamingGrpc.Domain.Pricing;

/// <summary>What a session does between two samples.</summary>
public enum UsageActivity
{
    /// <summary>Energy transfer possible: priced as TIME.</summary>
    Charging = 0,

    /// <summary>Connected, not charging: priced as PARKING_TIME.</summary>
    Parking = 1,
}
