namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The <c>Roaming</c> configuration section: who this endpoint is, where it listens, its certificates,
/// database, partners and limits. Bound from JSON, environment variables (<c>Roaming__PartyId</c>) and the
/// <c>roaming serve</c> flags, in that order of precedence (flags win).
/// </summary>
public sealed class RoamingEndpointOptions
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
    /// Accept handshakes from parties that hold a valid certificate of the partner role but are not listed in
    /// <see cref="Partners"/>. Off by default: an endpoint deals only with the partners it has agreements with.
    /// </summary>
    public bool AdmitUnlistedPartners { get; set; }

    /// <summary>The partners this endpoint has agreements with.</summary>
    public IList<PartnerOptions> Partners { get; } = [];

    /// <summary>How background deliveries look for work besides being woken by commits.</summary>
    public DeliveryOptions Delivery { get; set; } = new();

    /// <summary>How outbound handshakes are retried.</summary>
    public HandshakeOptions Handshake { get; set; } = new();

    /// <summary>How long request ids are remembered (idempotent retries).</summary>
    public RequestOptions Requests { get; set; } = new();

    /// <summary>Resumable stream settings.</summary>
    public StreamOptions Streams { get; set; } = new();

    /// <summary>Session and command settings (CSO endpoints).</summary>
    public ChargingOptions Charging { get; set; } = new();

    /// <summary>Maintenance notices and emergency unlocking (CSO endpoints, UC5).</summary>
    public SupportOptions Support { get; set; } = new();

    /// <summary>Reservation settings (CSO endpoints, UC3-8).</summary>
    public ReservationOptions Reservations { get; set; } = new();

    /// <summary>Online authorization deadline and token list distribution (UC4-1, UC4-2).</summary>
    public AuthorizationOptions Authorization { get; set; } = new();

    /// <summary>The Prometheus metrics listener.</summary>
    public MetricsOptions Metrics { get; set; } = new();

    /// <summary>HTTP/2 and message limits, set explicitly rather than left to defaults.</summary>
    public LimitsOptions Limits { get; set; } = new();
}
