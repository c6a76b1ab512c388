using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// One entry of <c>Roaming:Partners:i:AllowedUrls</c>: <c>https://host[:port]</c>, where the host is a name or an IP
/// address matched exactly, or <c>*.example.com</c>, which matches every name under <c>example.com</c> (not
/// <c>example.com</c> itself); without a port, any port matches. Scheme https only; no user, path, query or fragment.
/// </summary>
internal sealed record PartnerUrlPattern(string Text, string Host, bool AnySubdomain, int? Port)
{
    private const string WildcardPrefix = "*.";

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="problem"/> says why.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PartnerUrlPattern? pattern, out string problem)
    {
        pattern = null;
        var value = text?.Trim() ?? string.Empty;
        const string scheme = "https://";
        if (!value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            problem = "must start with https://";
            return false;
        }

        var authority = value[scheme.Length..].TrimEnd('/');
        if (authority.Length == 0 || authority.IndexOfAny(['/', '?', '#', '@']) >= 0)
        {
            problem = "must be https://host or https://host:port (no user, path, query or fragment)";
            return false;
        }

        var anySubdomain = authority.StartsWith(WildcardPrefix, StringComparison.Ordinal);
        // A concrete host stands in for the wildcard label so that Uri checks the rest (name syntax, port range).
        var probe = anySubdomain ? "wildcard" + authority[1..] : authority;
        if (probe.Contains('*', StringComparison.Ordinal)
            || !Uri.TryCreate(scheme + probe, UriKind.Absolute, out var uri)
            || uri.HostNameType == UriHostNameType.Unknown
            || (anySubdomain && uri.HostNameType != UriHostNameType.Dns))
        {
            problem = "must name one host, an IP address, or *.domain (a wildcard only as the whole first label)";
            return false;
        }

        var host = anySubdomain ? uri.IdnHost["wildcard.".Length..] : uri.IdnHost;
        if (anySubdomain && IPAddress.TryParse(host, out _))
        {
            problem = "must not put a wildcard in front of an IP address";
            return false;
        }

        var explicitPort = HasExplicitPort(authority);
        pattern = new PartnerUrlPattern(value, host.ToLowerInvariant(), anySubdomain, explicitPort ? uri.Port : null);
        problem = string.Empty;
        return true;
    }

    /// <summary>True when <paramref name="url"/> (an absolute https URL) is allowed by this pattern.</summary>
    public bool Matches(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.Scheme != Uri.UriSchemeHttps || (Port is { } port && url.Port != port))
        {
            return false;
        }

        var host = url.IdnHost.ToLowerInvariant();
        return AnySubdomain
            ? host.EndsWith("." + Host, StringComparison.Ordinal)
            : host == Host;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool HasExplicitPort(string authority)
    {
        // "[::1]:7443", "host:7443", "10.0.0.1:7443": a port follows the last colon after any IPv6 literal.
        var afterLiteral = authority.LastIndexOf(']');
        var colon = authority.LastIndexOf(':');
        return colon > afterLiteral && int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
