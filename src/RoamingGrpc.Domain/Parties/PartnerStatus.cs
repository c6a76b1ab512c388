namespace RoamingGrpc.Domain.Parties;

/// <summary>Where a partner stands in the registry.</summary>
public enum PartnerStatus
{
    /// <summary>Named in configuration (an agreement exists) but no handshake has succeeded yet.</summary>
    Configured = 1,

    /// <summary>At least one UC1-1 handshake succeeded, in either direction.</summary>
    Registered = 2,
}
