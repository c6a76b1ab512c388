namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>Token authorization settings (<c>Roaming:Authorization</c>), UC4-1 and UC4-2.</summary>
internal sealed class AuthorizationOptions : ISettingsSection
{
    /// <summary>The contract's upper bound for an online authorization call.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// CSO side: deadline of an online authorization (AuthorizationService.AuthorizeToken) at the home-CSP; when
    /// it passes, the decision falls back to the CSP's offline token list. More than zero, at most 5 s.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// CSP side: push token lists to CSO partners with uid hashes instead of uids (each partner has its own salt).
    /// A change of this setting reaches a partner with the next token change (a FULL list, since a delta cannot
    /// switch hashing); until then the partner keeps the list it holds.
    /// </summary>
    public bool HashTokenLists { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Problems(string section) =>
        new[] { SettingRules.Within(section, nameof(Timeout), Timeout, MaxTimeout) }.OfType<string>();
}
