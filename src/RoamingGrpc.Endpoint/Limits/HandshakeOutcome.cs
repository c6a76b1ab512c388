namespace RoamingGrpc.Endpoint.Limits;

/// <summary>How a connection left the TLS handshake count.</summary>
internal enum HandshakeOutcome
{
    /// <summary>TLS completed with a valid client certificate.</summary>
    Authenticated,

    /// <summary>Closed by the admission to make room for a newer connection.</summary>
    Evicted,

    /// <summary>Ended without completing TLS (timeout, refusal, failure).</summary>
    Ended,
}
