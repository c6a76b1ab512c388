using System.Globalization;
using System.Net;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// <see cref="RoamingEndpointOptions"/> checked and parsed once at start: a bad setting stops the process with
/// a message naming the setting, before anything listens.
/// </summary>
public sealed record EndpointSettings(
    PartyIdentity Identity,
    IPEndPoint Listen,
    Uri? PublicUrl,
    IReadOnlyList<ConfiguredPartnerSettings> Partners,
    IPEndPoint? MetricsListen = null)
{
    /// <summary>The setting of the partner-facing listener's address.</summary>
    public const string ListenSetting = "Roaming:Listen";

    /// <summary>The setting of the metrics listener's address (empty = no metrics listener).</summary>
    public const string MetricsListenSetting = "Roaming:Metrics:Listen";

    /// <summary>Validates <paramref name="options"/>; throws <see cref="InvalidOperationException"/> listing every problem.</summary>
    public static EndpointSettings From(RoamingEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        PartyIdentity? identity = null;
        if (!PartyRoles.TryParse(options.Role, out var role) || role == PartyRole.Backoffice)
        {
            problems.Add($"Roaming:Role must be cso or csp (was '{options.Role}').");
        }
        else
        {
            try
            {
                identity = PartyIdentity.Create(role.Value, options.PartyId);
            }
            catch (InvalidIdentifierException ex)
            {
                problems.Add($"Roaming:PartyId is not a valid {(role == PartyRole.Cso ? "operator" : "provider")} id: {ex.Message}");
            }
        }

        var listen = ParseListen(options.Listen, ListenSetting, problems);
        var metrics = string.IsNullOrEmpty(options.Metrics.Listen) ? null : ParseListen(options.Metrics.Listen, MetricsListenSetting, problems);
        if (listen is not null && metrics is not null && Overlap(listen, metrics))
        {
            // Kestrel would fail to bind the second one; said here, a busy address at start is always another process's.
            problems.Add($"{MetricsListenSetting} must not use the port of {ListenSetting} (both {metrics.Port}).");
        }

        Uri? publicUrl = null;
        if (!string.IsNullOrEmpty(options.PublicUrl) && !TryParseHttpsUrl(options.PublicUrl, out publicUrl))
        {
            problems.Add($"Roaming:PublicUrl must be an absolute https URL (was '{options.PublicUrl}').");
        }

        var partners = new List<ConfiguredPartnerSettings>();
        for (var i = 0; i < options.Partners.Count; i++)
        {
            var partner = options.Partners[i];
            var prefix = $"Roaming:Partners:{i}";
            if (!PartyRoles.TryParse(partner.Role, out var partnerRole) || (role is { } own && own != PartyRole.Backoffice && partnerRole != own.Counterpart()))
            {
                problems.Add($"{prefix}:Role must be {(role is PartyRole.Cso ? "csp" : "cso")} for a {options.Role} endpoint (was '{partner.Role}').");
                continue;
            }

            PartyIdentity partnerIdentity;
            try
            {
                partnerIdentity = PartyIdentity.Create(partnerRole.Value, partner.PartyId);
            }
            catch (InvalidIdentifierException ex)
            {
                problems.Add($"{prefix}:PartyId is invalid: {ex.Message}");
                continue;
            }

            Uri? url = null;
            if (!string.IsNullOrEmpty(partner.Url) && !TryParseHttpsUrl(partner.Url, out url))
            {
                problems.Add($"{prefix}:Url must be an absolute https URL (was '{partner.Url}').");
                continue;
            }

            if (partners.Any(existing => existing.Identity == partnerIdentity))
            {
                problems.Add($"{prefix} lists {partnerIdentity} a second time.");
                continue;
            }

            partners.Add(new ConfiguredPartnerSettings(partnerIdentity, url));
        }

        if (!string.IsNullOrEmpty(options.RevocationFile) && !File.Exists(options.RevocationFile))
        {
            problems.Add($"Roaming:RevocationFile '{options.RevocationFile}' does not exist; create it (it may be empty) or remove the setting.");
        }

        if (options.Limits.MaxReceiveMessageSize <= 0 || options.Limits.MaxSendMessageSize <= 0 || options.Limits.MaxStreamsPerConnection <= 0)
        {
            problems.Add("Roaming:Limits message sizes and MaxStreamsPerConnection must be positive.");
        }

        if (options.Charging.CommandTimeout <= TimeSpan.Zero || options.Charging.CommandSweepInterval <= TimeSpan.Zero || options.Charging.PendingTimeout <= TimeSpan.Zero)
        {
            problems.Add("Roaming:Charging CommandTimeout, PendingTimeout and CommandSweepInterval must be positive.");
        }

        if (options.Support.MaintenanceSweepInterval <= TimeSpan.Zero)
        {
            problems.Add($"Roaming:Support:MaintenanceSweepInterval must be positive (was {options.Support.MaintenanceSweepInterval}).");
        }

        if (options.Requests.Retention <= TimeSpan.Zero || options.Requests.PruneInterval <= TimeSpan.Zero)
        {
            problems.Add($"Roaming:Requests Retention and PruneInterval must be positive (was {options.Requests.Retention} and {options.Requests.PruneInterval}).");
        }

        if (options.Reservations.MaxDuration <= TimeSpan.Zero || options.Reservations.MaxDuration > ReservationOptions.LongestMaxDuration)
        {
            problems.Add($"Roaming:Reservations:MaxDuration must be more than 0 and at most {ReservationOptions.LongestMaxDuration.TotalHours:0} h (was {options.Reservations.MaxDuration}).");
        }

        if (options.Reservations.ExpirySweepInterval <= TimeSpan.Zero)
        {
            problems.Add($"Roaming:Reservations:ExpirySweepInterval must be positive (was {options.Reservations.ExpirySweepInterval}).");
        }

        if (options.Authorization.Timeout <= TimeSpan.Zero || options.Authorization.Timeout > AuthorizationOptions.MaxTimeout)
        {
            problems.Add($"Roaming:Authorization:Timeout must be more than 0 and at most {AuthorizationOptions.MaxTimeout.TotalSeconds:0} s (was {options.Authorization.Timeout}).");
        }

        if (string.IsNullOrWhiteSpace(options.Metrics.MeterName) || options.Metrics.MeterName.Contains('*', StringComparison.Ordinal))
        {
            problems.Add("Roaming:Metrics:MeterName must be a name without '*' (it is matched as a pattern).");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid endpoint configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        return new EndpointSettings(identity!, listen!, publicUrl, partners, metrics);
    }

    /// <summary>
    /// The one written form of an endpoint URL, used wherever URLs are stored or compared: absolute, without a
    /// trailing slash (<c>https://roaming.example.com:7443</c>).
    /// </summary>
    public static string CanonicalUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.AbsoluteUri.TrimEnd('/');
    }

    /// <summary>Parses an absolute https URL.</summary>
    public static bool TryParseHttpsUrl(string? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url) && url.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(url.UserInfo);

    private static bool Overlap(IPEndPoint one, IPEndPoint other) =>
        one.Port != 0 && one.Port == other.Port
        && (one.Address.Equals(other.Address) || IsAny(one.Address) || IsAny(other.Address));

    private static bool IsAny(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static IPEndPoint? ParseListen(string value, string key, List<string> problems)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            problems.Add($"{key} must be HOST:PORT (was '{value}').");
            return null;
        }

        var host = value[..colon].Trim('[', ']');
        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (host is "*" or "0.0.0.0")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            problems.Add($"{key} host must be an IP address, localhost or * (was '{host}').");
            return null;
        }

        return new IPEndPoint(address, port);
    }
}
