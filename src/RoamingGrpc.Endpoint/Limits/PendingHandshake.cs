using Microsoft.AspNetCore.Connections;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// A connection admitted to the TLS handshake and not authenticated yet, counted by <see cref="ConnectionAdmission"/>
/// until it authenticates or ends. Kestrel's client certificate callback has no connection at hand: it finds the
/// connection it is deciding on as <see cref="Current"/>, which the admission middleware sets around the handshake.
/// </summary>
internal sealed class PendingHandshake(ConnectionContext connection, string source, long startedTimestamp)
{
    private static readonly AsyncLocal<PendingHandshake?> Handshaking = new();

    /// <summary>The connection whose TLS handshake runs on the current flow, if any.</summary>
    public static PendingHandshake? Current
    {
        get => Handshaking.Value;
        set => Handshaking.Value = value;
    }

    public ConnectionContext Connection { get; } = connection;

    /// <summary>The source it is counted under (<see cref="SourceAddress"/>).</summary>
    public string Source { get; } = source;

    /// <summary>When it was admitted (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long StartedTimestamp { get; } = startedTimestamp;

    /// <summary>Its place in the admission's oldest-first list while it is counted.</summary>
    internal LinkedListNode<PendingHandshake>? Node { get; set; }

    /// <summary>How it ended, once it is no longer counted as pending; null while it is.</summary>
    public HandshakeOutcome? Outcome { get; internal set; }

    /// <summary>True once the client certificate callback refused it (and logged the refusal).</summary>
    public bool CertificateRefused { get; set; }
}
