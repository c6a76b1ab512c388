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

    /// <summary>
    /// This endpoint's own back office, or a partner of the opposite role that is admitted (configured, see
    /// <c>PartnerDirectory.IsAdmitted</c>) whether or not it has completed the handshake: health and reflection, which a
    /// partner's monitoring may ask before its endpoint handshakes. Not any holder of a roaming certificate: a party
    /// without an agreement learns nothing of the endpoint.
    /// </summary>
    PartnerOrOwnBackoffice = 4,
}
