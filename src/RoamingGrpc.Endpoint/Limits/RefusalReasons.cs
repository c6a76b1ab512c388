namespace RoamingGrpc.Endpoint.Limits;

/// <summary>The metric and log names of <see cref="RefusalReason"/>.</summary>
internal static class RefusalReasons
{
    /// <summary>The lower_snake name, e.g. <c>handshake_timeout</c>.</summary>
    public static string Name(this RefusalReason reason) => reason switch
    {
        RefusalReason.CertificateRefused => "certificate_refused",
        RefusalReason.HandshakeTimedOut => "handshake_timeout",
        RefusalReason.HandshakeFailed => "handshake_failed",
        RefusalReason.TooManyFromAddress => "address_cap",
        RefusalReason.Evicted => "unauthenticated_cap",
        RefusalReason.MalformedMessage => "malformed_message",
        RefusalReason.TooManyCalls => "concurrent_calls_cap",
        RefusalReason.RequestTimedOut => "receive_timeout",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a refusal reason."),
    };

    /// <summary>
    /// Refusals that happen without any attack: port scanners and TCP health probes that never speak TLS, clients that
    /// give up. Logged at Information; every other reason at Warning.
    /// </summary>
    public static bool IsQuiet(this RefusalReason reason) => reason is RefusalReason.HandshakeTimedOut or RefusalReason.HandshakeFailed;
}
