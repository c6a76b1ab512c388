namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>One partner in <c>Roaming:Partners</c>.</summary>
public sealed class PartnerOptions
{
    /// <summary>Required. <c>csp</c> for a CSO endpoint's partners, <c>cso</c> for a CSP endpoint's.</summary>
    public string Role { get; set; } = string.Empty;

    /// <summary>Required. The partner's party id; its certificate must carry exactly this id and role.</summary>
    public string PartyId { get; set; } = string.Empty;

    /// <summary>
    /// The partner endpoint's URL (<c>https://host:port</c>). When absent, it is learnt from the partner's
    /// own handshake, after which this endpoint handshakes back.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>
    /// For a partner without <see cref="Url"/>: the URLs it may state in its handshake, as patterns
    /// <c>https://host[:port]</c> (host exact, or <c>*.example.com</c> for any name under it; no port = any port).
    /// When empty, the stated URL's host must be one the partner's certificate names (DNS or IP SAN).
    /// </summary>
    public IList<string> AllowedUrls { get; } = [];
}
