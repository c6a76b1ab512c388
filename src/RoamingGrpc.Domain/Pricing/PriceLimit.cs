namespace RoamingGrpc.Domain.Pricing;

/// <summary>Which bound of the tariff changed the total.</summary>
public enum PriceLimit
{
    /// <summary>The computed total stands.</summary>
    None = 0,

    /// <summary>The total was raised to the tariff's minimum price.</summary>
    MinPrice = 1,

    /// <summary>The total was capped at the tariff's maximum price.</summary>
    MaxPrice = 2,
}
