namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>The request log that makes mutating calls idempotent (<c>Roaming:Requests</c>).</summary>
internal sealed class RequestOptions : ISettingsSection
{
    /// <summary>
    /// How long a request id is remembered: a retry within it gets the first response (or REQUEST_ID_REUSED), a
    /// retry after it is processed as a new request. Partners retry within seconds to minutes; a week is ample.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often requests older than the retention are forgotten.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[]
        {
            SettingRules.Positive(section, nameof(Retention), Retention),
            SettingRules.Positive(section, nameof(PruneInterval), PruneInterval),
        }.OfType<string>();
}
