namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Resumable stream settings (<c>Roaming:Streams</c>).</summary>
internal sealed class StreamOptions : ISettingsSection
{
    /// <summary>How long status changes stay in the log that streams resume from; older cursors get OUT_OF_RANGE.</summary>
    public TimeSpan StatusLogRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long charging information and command results stay in the log WatchChargingInfo resumes from.</summary>
    public TimeSpan ChargingInfoLogRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the logs are pruned.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A heartbeat is sent after this long without another message.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events in flight (sent, not acknowledged) when the consumer asks for none in particular.</summary>
    public int DefaultWindow { get; set; } = 1000;

    /// <summary>Largest window a consumer may ask for.</summary>
    public int MaxWindow { get; set; } = 10_000;

    /// <summary>A consumer whose window stays full this long is cut (RESOURCE_EXHAUSTED / SLOW_CONSUMER) and resumes.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the first (start) message may take.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[]
        {
            SettingRules.Positive(section, nameof(StatusLogRetention), StatusLogRetention),
            SettingRules.Positive(section, nameof(ChargingInfoLogRetention), ChargingInfoLogRetention),
            SettingRules.Positive(section, nameof(PruneInterval), PruneInterval),
            SettingRules.Positive(section, nameof(HeartbeatInterval), HeartbeatInterval),
            SettingRules.Positive(section, nameof(AckTimeout), AckTimeout),
            SettingRules.Positive(section, nameof(StartTimeout), StartTimeout),
            MaxWindow <= 0 ? $"{section}:{nameof(MaxWindow)} must be positive (was {MaxWindow})." : null,
            DefaultWindow <= 0 || DefaultWindow > MaxWindow ? $"{section}:{nameof(DefaultWindow)} must be 1 to {nameof(MaxWindow)} ({MaxWindow}) (was {DefaultWindow})." : null,
        }.OfType<string>();
}
