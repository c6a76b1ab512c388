using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The <c>Roaming</c> configuration section: who this endpoint is, where it listens, its certificates, database,
/// partners, metrics and health listeners (the settings sections below it, <c>Roaming:Charging</c> and the like, are bound to
/// their own options classes, see <see cref="SettingsSections"/>). Bound from JSON, environment variables (<c>Roaming__PartyId</c>) and the
/// <c>roaming serve</c> flags, in that order of precedence (flags win).
/// </summary>
internal sealed class RoamingEndpointOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Roaming";

    /// <summary>Required. <c>cso</c> (visited charging station operator) or <c>csp</c> (home service provider).</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>Required. This endpoint's party: an operator id for a CSO (<c>DE*ABC</c>), a provider id for a CSP (<c>DE-8EO</c>).</summary>
    public string PartyId { get; set; } = string.Empty;

    /// <summary>A readable name given to partners in the handshake.</summary>
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>Address Kestrel listens on, <c>HOST:PORT</c>; port 0 picks a free port.</summary>
    public string Listen { get; set; } = "127.0.0.1:7443";

    /// <summary>
    /// The URL partners reach this endpoint by, stated in handshakes. Defaults to <c>https://</c> plus the
    /// listening address (with <c>localhost</c> for a wildcard address).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Directory with <c>cert.pem</c>, <c>key.pem</c> and <c>ca.pem</c> (as written by <c>roaming cert issue</c>).</summary>
    public string CertificateDirectory { get; set; } = "certs/endpoint";

    /// <summary>Revocation list: one hex serial number per line; re-read on change. Optional.</summary>
    public string? RevocationFile { get; set; }

    /// <summary>SQLite database file; created on first start.</summary>
    public string Database { get; set; } = "roaming.db";

    /// <summary>
    /// When the database writer's commits reach the disk: <c>Full</c> (the default: every acknowledged write is synced
    /// before the call is answered, and survives a power loss) or <c>Normal</c> (not synced per commit: a power loss
    /// can lose the last acknowledged writes; for disposable test and benchmark machines). See
    /// <see cref="SqliteSynchronous"/>. A key of its own, since <c>Database</c> is the file's path.
    /// </summary>
    public string DatabaseSynchronous { get; set; } = nameof(SqliteSynchronous.Full);

    /// <summary>
    /// Accept handshakes from parties that hold a valid certificate of the partner role but are not listed in
    /// <see cref="Partners"/>. Off by default: an endpoint deals only with the partners it has agreements with.
    /// </summary>
    public bool AdmitUnlistedPartners { get; set; }

    /// <summary>The partners this endpoint has agreements with.</summary>
    public IList<PartnerOptions> Partners { get; } = [];

    /// <summary>The Prometheus metrics listener.</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>The optional loopback health listener (no client certificates).</summary>
    public HealthOptions Health { get; set; } = new();
}
