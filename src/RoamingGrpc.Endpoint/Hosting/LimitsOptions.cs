namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Transport limits (<c>Roaming:Limits</c>), applied to Kestrel, gRPC and partner channels.</summary>
internal sealed class LimitsOptions : ISettingsSection
{
    /// <summary>Largest message accepted, in bytes; larger ones get RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest message sent, in bytes.</summary>
    public int MaxSendMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>HTTP/2 concurrent streams per connection (calls in flight, open streams included).</summary>
    public int MaxStreamsPerConnection { get; set; } = 1000;

    /// <summary>HTTP/2 connection flow-control window, in bytes.</summary>
    public int InitialConnectionWindowSize { get; set; } = 2 * 1024 * 1024;

    /// <summary>HTTP/2 per-stream flow-control window, in bytes.</summary>
    public int InitialStreamWindowSize { get; set; } = 1024 * 1024;

    /// <summary>Largest HTTP/2 header block, in bytes.</summary>
    public int MaxRequestHeaderFieldSize { get; set; } = 16 * 1024;

    /// <summary>Idle time after which a keepalive PING is sent, by server and by partner channels.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unanswered PING may take before the connection is closed.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Maximum open connections per listener, counted by Kestrel; null means unlimited. Connections that have not
    /// completed TLS have their own, smaller cap (<see cref="MaxUnauthenticatedConnections"/>), so that they can never
    /// take the places of authenticated partners.
    /// </summary>
    public long? MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>Time a new connection has to complete the TLS handshake (client certificate included) before it is closed.</summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Connections still in the TLS handshake, all sources together; at the cap, the oldest one is closed to make room
    /// for a new one (from a source under its own cap). Must be below <see cref="MaxConcurrentConnections"/>.
    /// </summary>
    public int MaxUnauthenticatedConnections { get; set; } = 1000;

    /// <summary>
    /// Connections still in the TLS handshake from one source (an IPv4 address, an IPv6 /64); more are closed at
    /// once. At most <see cref="MaxUnauthenticatedConnections"/>.
    /// </summary>
    public int MaxUnauthenticatedPerAddress { get; set; } = 50;

    /// <summary>
    /// Time the single request message of a unary or server-streaming call has to arrive, from the call's headers;
    /// then the call ends with DEADLINE_EXCEEDED / REQUEST_TIMEOUT without being processed.
    /// </summary>
    public TimeSpan RequestReceiveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Unary calls one partner (one certificate identity) may have in progress, on all its connections together;
    /// more get RESOURCE_EXHAUSTED / RATE_LIMITED. Streams are not counted.
    /// </summary>
    public int MaxConcurrentCallsPerPartner { get; set; } = 200;

    /// <summary>
    /// Refused connections and calls are logged once per source, then summarized per source once per this interval
    /// (with their count by reason); every refusal is counted in the metric <c>roaming_refusals_total</c>.
    /// </summary>
    public TimeSpan RefusalLogInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[]
        {
            SettingRules.Positive(section, nameof(MaxReceiveMessageSize), MaxReceiveMessageSize),
            SettingRules.Positive(section, nameof(MaxSendMessageSize), MaxSendMessageSize),
            SettingRules.Positive(section, nameof(MaxStreamsPerConnection), MaxStreamsPerConnection),
            SettingRules.Positive(section, nameof(InitialConnectionWindowSize), InitialConnectionWindowSize),
            SettingRules.Positive(section, nameof(InitialStreamWindowSize), InitialStreamWindowSize),
            SettingRules.Positive(section, nameof(MaxRequestHeaderFieldSize), MaxRequestHeaderFieldSize),
            SettingRules.Positive(section, nameof(KeepAlivePingDelay), KeepAlivePingDelay),
            SettingRules.Positive(section, nameof(KeepAlivePingTimeout), KeepAlivePingTimeout),
            MaxConcurrentConnections <= 0 ? $"{section}:{nameof(MaxConcurrentConnections)} must be positive, or empty for no limit (was {MaxConcurrentConnections})." : null,
            SettingRules.Within(section, nameof(TlsHandshakeTimeout), TlsHandshakeTimeout, TimeSpan.FromMinutes(1)),
            SettingRules.Positive(section, nameof(MaxUnauthenticatedConnections), MaxUnauthenticatedConnections),
            MaxUnauthenticatedConnections >= MaxConcurrentConnections
                ? $"{section}:{nameof(MaxUnauthenticatedConnections)} must be below {nameof(MaxConcurrentConnections)} ({MaxConcurrentConnections}), or partners could find no place left (was {MaxUnauthenticatedConnections})."
                : null,
            MaxUnauthenticatedPerAddress <= 0 || MaxUnauthenticatedPerAddress > MaxUnauthenticatedConnections
                ? $"{section}:{nameof(MaxUnauthenticatedPerAddress)} must be 1 to {nameof(MaxUnauthenticatedConnections)} ({MaxUnauthenticatedConnections}) (was {MaxUnauthenticatedPerAddress})."
                : null,
            SettingRules.Within(section, nameof(RequestReceiveTimeout), RequestReceiveTimeout, TimeSpan.FromMinutes(5)),
            SettingRules.Positive(section, nameof(MaxConcurrentCallsPerPartner), MaxConcurrentCallsPerPartner),
            SettingRules.Within(section, nameof(RefusalLogInterval), RefusalLogInterval, TimeSpan.FromHours(1)),
        }.OfType<string>();
}
