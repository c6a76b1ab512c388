namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Outbound UC1-1 handshake timing, and when calls to a partner give up (<c>Roaming:Handshake</c>).</summary>
internal sealed class HandshakeOptions : ISettingsSection
{
    /// <summary>Deadline of one handshake call.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First wait after a failed attempt; doubles per attempt, with jitter.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts while a partner is down.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A partner whose calls (handshakes, pushes, the status subscription) have failed for this long, at least
    /// <see cref="Partners.ReachabilityTracker.MinFailures"/> times in a row, is marked unreachable: automatic calls stop
    /// (queued pushes stay queued) and one handshake probes it every <see cref="UnreachableProbeInterval"/>.
    /// </summary>
    public TimeSpan UnreachableAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often an unreachable partner is probed with a handshake; a success resumes every call to it.</summary>
    public TimeSpan UnreachableProbeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The wait before attempt <paramref name="failures"/> + 1 towards a partner (handshakes, pushes, stream
    /// reconnects): doubling from <see cref="InitialBackoff"/> up to <see cref="MaxBackoff"/>, with jitter (50-100%)
    /// so that many endpoints do not retry in step.
    /// </summary>
    public TimeSpan Backoff(int failures)
    {
        var exponential = InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Clamp(failures - 1, 0, 20));
        var capped = Math.Min(exponential, MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[]
        {
            SettingRules.Positive(section, nameof(CallTimeout), CallTimeout),
            SettingRules.Positive(section, nameof(InitialBackoff), InitialBackoff),
            MaxBackoff < InitialBackoff ? $"{section}:{nameof(MaxBackoff)} must be at least {nameof(InitialBackoff)} ({InitialBackoff}) (was {MaxBackoff})." : null,
            SettingRules.Positive(section, nameof(UnreachableAfter), UnreachableAfter),
            UnreachableProbeInterval < MaxBackoff
                ? $"{section}:{nameof(UnreachableProbeInterval)} must be at least {nameof(MaxBackoff)} ({MaxBackoff}) (was {UnreachableProbeInterval})."
                : null,
        }.OfType<string>();
}
