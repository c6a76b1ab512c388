using System.Globalization;
using System.Net;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// Who and where the endpoint is (<see cref="RoamingEndpointOptions"/>: role, party, listeners, partners, certificates,
/// storage, metrics, health listener), checked and parsed once before the host is built, since it decides what the host is: a bad
/// setting stops the process with one line per problem naming the setting, before anything listens. How the endpoint
/// works (timeouts, windows, limits) is in the settings sections, validated at start (<see cref="SettingsSections"/>).
/// </summary>
internal sealed record EndpointSettings(
    PartyIdentity Identity,
    IPEndPoint Listen,
    Uri? PublicUrl,
    IReadOnlyList<ConfiguredPartnerSettings> Partners,
    IPEndPoint? MetricsListen = null)
{
    /// <summary>A readable name given to partners in the handshake.</summary>
    public string DisplayName { get; init; } = string.Empty;

    /// <summary>Whether parties not listed as partners are admitted when their certificate is valid.</summary>
    public bool AdmitUnlistedPartners { get; init; }

    /// <summary>The directory of this endpoint's certificate, key and roaming CA (full path).</summary>
    public string CertificateDirectory { get; init; } = Path.GetFullPath(new RoamingEndpointOptions().CertificateDirectory);

    /// <summary>The revocation list file (full path), or null when none is configured.</summary>
    public string? RevocationFile { get; init; }

    /// <summary>The SQLite database file (full path).</summary>
    public string Database { get; init; } = Path.GetFullPath(new RoamingEndpointOptions().Database);

    /// <summary>When the database writer's commits reach the disk (<c>Roaming:DatabaseSynchronous</c>).</summary>
    public SqliteSynchronous DatabaseSynchronous { get; init; } = SqliteSynchronous.Full;

    /// <summary>The name of the endpoint's OpenTelemetry meter.</summary>
    public string MeterName { get; init; } = Observability.RoamingMetrics.MeterName;

    /// <summary>The loopback address of the health listener (plain HTTP/2, no client certificates), or null for none.</summary>
    public IPEndPoint? HealthListen { get; init; }

    /// <summary>The setting of the partner-facing listener's address.</summary>
    public const string ListenSetting = "Roaming:Listen";

    /// <summary>The setting of the metrics listener's address (empty = no metrics listener).</summary>
    public const string MetricsListenSetting = "Roaming:Metrics:Listen";

    /// <summary>The setting of the health listener's address (empty = no health listener).</summary>
    public const string HealthListenSetting = "Roaming:Health:Listen";

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

        var health = string.IsNullOrEmpty(options.Health.Listen) ? null : ParseListen(options.Health.Listen, HealthListenSetting, problems);
        if (health is not null)
        {
            if (!IPAddress.IsLoopback(health.Address))
            {
                // It asks for no certificate: only the machine itself may reach it.
                problems.Add($"{HealthListenSetting} must be a loopback address (127.0.0.1, ::1 or localhost; was '{options.Health.Listen}').");
            }
            else if ((listen is not null && Overlap(listen, health)) || (metrics is not null && Overlap(metrics, health)))
            {
                problems.Add($"{HealthListenSetting} must not use the port of {(listen is not null && Overlap(listen, health) ? ListenSetting : MetricsListenSetting)} (both {health.Port}).");
            }
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

            var allowed = new List<PartnerUrlPattern>();
            for (var j = 0; j < partner.AllowedUrls.Count; j++)
            {
                if (PartnerUrlPattern.TryParse(partner.AllowedUrls[j], out var pattern, out var problem))
                {
                    allowed.Add(pattern);
                }
                else
                {
                    problems.Add($"{prefix}:AllowedUrls:{j} {problem} (was '{partner.AllowedUrls[j]}').");
                }
            }

            if (url is not null && partner.AllowedUrls.Count > 0)
            {
                problems.Add($"{prefix}:AllowedUrls applies only to a partner without Url: the configured Url is the only one called (remove one of them).");
            }

            partners.Add(new ConfiguredPartnerSettings(partnerIdentity, url, allowed));
        }

        if (!string.IsNullOrEmpty(options.RevocationFile) && !File.Exists(options.RevocationFile))
        {
            problems.Add($"Roaming:RevocationFile '{options.RevocationFile}' does not exist; create it (it may be empty) or remove the setting.");
        }

        var synchronous = ParseSynchronous(options.DatabaseSynchronous, problems);
        if (string.IsNullOrWhiteSpace(options.Metrics.MeterName) || options.Metrics.MeterName.Contains('*', StringComparison.Ordinal))
        {
            problems.Add("Roaming:Metrics:MeterName must be a name without '*' (it is matched as a pattern).");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Invalid endpoint configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }

        return new EndpointSettings(identity!, listen!, publicUrl, partners, metrics)
        {
            DisplayName = options.DisplayName,
            AdmitUnlistedPartners = options.AdmitUnlistedPartners,
            CertificateDirectory = Path.GetFullPath(options.CertificateDirectory),
            RevocationFile = string.IsNullOrEmpty(options.RevocationFile) ? null : Path.GetFullPath(options.RevocationFile),
            Database = Path.GetFullPath(options.Database),
            DatabaseSynchronous = synchronous,
            MeterName = options.Metrics.MeterName,
            HealthListen = health,
        };
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

    // By name only (Enum.TryParse would take "2" or "Full,Normal"), any case; FULL and NORMAL are SQLite's names too.
    private static SqliteSynchronous ParseSynchronous(string value, List<string> problems)
    {
        foreach (var level in Enum.GetValues<SqliteSynchronous>())
        {
            if (string.Equals(value, level.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return level;
            }
        }

        problems.Add($"Roaming:DatabaseSynchronous must be Full (the default: acknowledged writes survive a power loss) or Normal (was '{value}').");
        return SqliteSynchronous.Full;
    }

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
