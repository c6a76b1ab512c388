namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Maintenance notice and unlock settings of a CSO endpoint (<c>Roaming:Support</c>, UC5).</summary>
internal sealed class SupportOptions : ISettingsSection
{
    /// <summary>
    /// How often maintenance notices whose start or end time passed are moved (SCHEDULED to ACTIVE to ENDED, with the
    /// EVSE status following); a move happens at most this late.
    /// </summary>
    public TimeSpan MaintenanceSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[] { SettingRules.Positive(section, nameof(MaintenanceSweepInterval), MaintenanceSweepInterval) }.OfType<string>();
}
