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

    /// <summary>Maximum open connections; null means unlimited.</summary>
    public long? MaxConcurrentConnections { get; set; } = 10_000;

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
        }.OfType<string>();
}
