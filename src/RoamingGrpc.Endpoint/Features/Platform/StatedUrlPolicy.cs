using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Platform;

/// <summary>
/// Which URL this endpoint records, and so will call, for a partner that states one in its handshake (UC1-1). A stated
/// URL is only the partner's word: a URL the operator configured for the partner (<c>Roaming:Partners:i:Url</c>) wins
/// over it; otherwise the stated URL must be allowed for that partner, by the operator's patterns
/// (<c>Roaming:Partners:i:AllowedUrls</c>) or, by default, by the partner's certificate, whose DNS and IP subject
/// alternative names are the hosts the roaming CA vouches for as the partner's. A refused URL is never recorded, so
/// never called: holding a partner certificate does not let anyone make this endpoint connect to other hosts
/// (internal services, someone else's servers).
/// </summary>
internal sealed partial class StatedUrlPolicy(EndpointSettings settings, ILogger<StatedUrlPolicy> logger)
{
    /// <summary>
    /// The URL to record for <paramref name="partner"/>, which stated <paramref name="statedUrl"/> (canonical, https)
    /// with <paramref name="certificate"/> as its client certificate; throws PERMISSION_DENIED /
    /// ENDPOINT_URL_NOT_ALLOWED when the stated URL may not be recorded.
    /// </summary>
    public string UrlToRecord(PartyIdentity partner, string statedUrl, X509Certificate2? certificate, string field)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var configured = settings.Partners.FirstOrDefault(entry => entry.Identity == partner);
        if (configured?.Url is { } configuredUrl)
        {
            var recorded = EndpointSettings.CanonicalUrl(configuredUrl);
            if (!string.Equals(recorded, statedUrl, StringComparison.Ordinal))
            {
                Log.Ignored(logger, partner, statedUrl, recorded);
            }

            return recorded;
        }

        var url = new Uri(statedUrl, UriKind.Absolute);
        string? refusal;
        if (configured is { AllowedUrls.Count: > 0 } withPatterns)
        {
            refusal = withPatterns.AllowedUrls.Any(pattern => pattern.Matches(url))
                ? null
                : $"it matches none of the URLs this endpoint's operator allows for {partner}; ask the operator to add it to Roaming:Partners AllowedUrls";
        }
        else
        {
            var names = certificate is null ? [] : NamesOf(certificate);
            refusal = certificate is not null && CertificateNames(certificate, url)
                ? null
                : $"its host {url.IdnHost} is not one the caller's certificate names ({(names.Count == 0 ? "none" : string.Join(", ", names))}); state a URL on one of them, or ask this endpoint's operator to configure the partner's URL";
        }

        if (refusal is not null)
        {
            Log.Refused(logger, partner, statedUrl, refusal);
            throw RoamingErrors.Create(
                ErrorKind.Forbidden,
                ErrorReason.EndpointUrlNotAllowed,
                $"{field} {statedUrl} is not allowed for {partner}: {refusal}. Nothing was recorded.",
                [new("field", field), new("host", url.IdnHost)]);
        }

        return statedUrl;
    }

    /// <summary>True when <paramref name="certificate"/> names the host of <paramref name="url"/> as TLS name checks do.</summary>
    private static bool CertificateNames(X509Certificate2 certificate, Uri url)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }

        if (url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            var address = IPAddress.Parse(url.Host.Trim('[', ']'));
            return san.EnumerateIPAddresses().Any(named => named.Equals(address));
        }

        var host = url.IdnHost.TrimEnd('.');
        return san.EnumerateDnsNames().Any(name => DnsNameMatches(name, host));
    }

    // RFC 6125: an exact name, or a wildcard "*.example.com" standing for exactly one label.
    private static bool DnsNameMatches(string name, string host)
    {
        if (!name.StartsWith("*.", StringComparison.Ordinal))
        {
            return string.Equals(name.TrimEnd('.'), host, StringComparison.OrdinalIgnoreCase);
        }

        var dot = host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && string.Equals(host[(dot + 1)..], name[2..].TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
    }

    private static List<string> NamesOf(X509Certificate2 certificate)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return san is null ? [] : [.. san.EnumerateDnsNames(), .. san.EnumerateIPAddresses().Select(address => address.ToString())];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Partners.StatedUrlRefused, Level = LogLevel.Warning, Message = "Refused the endpoint URL {Url} stated by partner {Partner} in its handshake: {Reason}")]
        public static partial void Refused(ILogger logger, PartyIdentity partner, string url, string reason);

        [LoggerMessage(EventId = LogEvents.Partners.StatedUrlIgnored, Level = LogLevel.Warning, Message = "Partner {Partner} stated the endpoint URL {Stated}; its configured URL {Configured} is used instead")]
        public static partial void Ignored(ILogger logger, PartyIdentity partner, string stated, string configured);
    }
}
