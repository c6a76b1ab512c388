namespace RoamingGrpc.Endpoint.Security;

/// <summary>Who may call a service hosted by this endpoint.</summary>
internal enum CallerPolicy
{
    /// <summary>A partner of the opposite role (CSP callers on a CSO endpoint, CSO callers on a CSP endpoint).</summary>
    Partner = 1,

    /// <summary>A partner of the opposite role that has completed the UC1-1 handshake.</summary>
    RegisteredPartner = 2,

    /// <summary>This endpoint's own back office: a backoffice certificate of this endpoint's party.</summary>
    OwnBackoffice = 3,

    /// <summary>Any holder of a valid roaming certificate (health and reflection).</summary>
    AnyPeer = 4,
}
