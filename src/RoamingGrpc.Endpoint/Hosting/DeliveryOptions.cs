namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>How background deliveries look for work (<c>Roaming:Delivery</c>).</summary>
internal sealed class DeliveryOptions : ISettingsSection
{
    /// <summary>
    /// How often the outbox relay, the token list distribution and station command streams look for work without being
    /// woken. A safety net only: every commit wakes them at once (the commit notifier); what the poll finds is work whose
    /// backoff after a partner failure has passed.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[] { SettingRules.Positive(section, nameof(PollInterval), PollInterval) }.OfType<string>();
}
