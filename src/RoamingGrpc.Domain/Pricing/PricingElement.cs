namespace RoamingGrpc.Domain.Pricing;

/// <summary>Price components that apply while all restrictions hold.</summary>
/// <param name="Components">At least one; the first component of a dimension is the one used.</param>
/// <param name="Restrictions">When the element applies; null = always (except to reservations).</param>
public sealed record PricingElement(
    IReadOnlyList<PricingComponent> Components,
    PricingRestrictions? Restrictions = null);
