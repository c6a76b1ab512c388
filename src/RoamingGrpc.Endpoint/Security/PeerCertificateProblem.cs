namespace RoamingGrpc.Endpoint.Security;

/// <summary>Why a peer certificate was refused.</summary>
internal enum PeerCertificateProblem
{
    /// <summary>Nothing: the certificate is acceptable.</summary>
    None = 0,

    /// <summary>No certificate was presented.</summary>
    Missing,

    /// <summary>The chain does not build to a configured trust anchor.</summary>
    UntrustedChain,

    /// <summary>Outside its validity period.</summary>
    Expired,

    /// <summary>
    /// Lacks the extended key usage for this direction (client or server authentication), or the extended key usage
    /// extension altogether.
    /// </summary>
    WrongKeyUsage,

    /// <summary>On the revocation list.</summary>
    Revoked,

    /// <summary>Carries no readable role identity.</summary>
    NoIdentity,

    /// <summary>Carries a role or party other than expected.</summary>
    UnexpectedIdentity,
}
