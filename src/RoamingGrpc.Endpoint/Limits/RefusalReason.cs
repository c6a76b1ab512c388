namespace RoamingGrpc.Endpoint.Limits;

/// <summary>Why a connection or a call was refused before it reached a feature; the tag of <c>roaming_refusals_total</c>.</summary>
internal enum RefusalReason
{
    /// <summary>The client certificate failed validation during the TLS handshake.</summary>
    CertificateRefused,

    /// <summary>No TLS handshake completed within <c>Limits:TlsHandshakeTimeout</c>.</summary>
    HandshakeTimedOut,

    /// <summary>The TLS handshake failed otherwise: no client certificate, not TLS, the client gave up.</summary>
    HandshakeFailed,

    /// <summary>The source already had <c>Limits:MaxUnauthenticatedPerAddress</c> connections in the handshake.</summary>
    TooManyFromAddress,

    /// <summary>Closed in the handshake to make room, <c>Limits:MaxUnauthenticatedConnections</c> being reached.</summary>
    Evicted,

    /// <summary>The request message could not be decoded.</summary>
    MalformedMessage,

    /// <summary>The partner had <c>Limits:MaxConcurrentCallsPerPartner</c> unary calls in progress.</summary>
    TooManyCalls,

    /// <summary>The request message did not arrive within <c>Limits:RequestReceiveTimeout</c>.</summary>
    RequestTimedOut,
}
