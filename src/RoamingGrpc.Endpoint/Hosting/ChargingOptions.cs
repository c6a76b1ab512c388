namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Session and command settings of a CSO endpoint (<c>Roaming:Charging</c>).</summary>
internal sealed class ChargingOptions : ISettingsSection
{
    /// <summary>
    /// Time the station has to report the outcome of a command (result_timeout); after it the endpoint reports TIMEOUT
    /// to the home-CSP (and a start that never happened leaves its session INVALID).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// A session authorized at the EVSE (PresentToken) that the station has not reported STARTED within this time is
    /// ended INVALID (stop reason TIMEOUT), so that the EVSE is free again (matches the default authorization expiry).
    /// </summary>
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often overdue commands and pending sessions are looked for.</summary>
    public TimeSpan CommandSweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section)
    {
        return new[]
        {
            SettingRules.Positive(section, nameof(CommandTimeout), CommandTimeout),
            SettingRules.Positive(section, nameof(PendingTimeout), PendingTimeout),
            SettingRules.Positive(section, nameof(CommandSweepInterval), CommandSweepInterval),
        }.OfType<string>();
    }
}
