using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The flat <c>Roaming:*</c> settings of an endpoint started in-process (the demo, tests), in the form
/// <see cref="RoamingEndpointHost.Build"/> takes as overrides.
/// </summary>
public static class EndpointOverrides
{
    /// <summary>Settings for <paramref name="identity"/> listening on <paramref name="listen"/> with these partners.</summary>
    public static Dictionary<string, string?> For(
        PartyIdentity identity,
        string listen,
        string certificateDirectory,
        string database,
        string displayName,
        IReadOnlyList<(PartyIdentity Identity, Uri? Url)> partners)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(partners);
        var settings = new Dictionary<string, string?>
        {
            ["Roaming:Role"] = identity.Role.ToName(),
            ["Roaming:PartyId"] = identity.PartyId,
            ["Roaming:DisplayName"] = displayName,
            ["Roaming:Listen"] = listen,
            ["Roaming:CertificateDirectory"] = certificateDirectory,
            ["Roaming:Database"] = database,
            ["Roaming:Metrics:Listen"] = string.Empty, // in-process endpoints expose metrics only when asked to
            // Meters are collected by name across the process: each in-process endpoint counts only its own calls.
            ["Roaming:Metrics:MeterName"] = $"{Observability.RoamingMetrics.MeterName}.{Guid.NewGuid():N}",
        };
        for (var i = 0; i < partners.Count; i++)
        {
            settings[$"Roaming:Partners:{i}:Role"] = partners[i].Identity.Role.ToName();
            settings[$"Roaming:Partners:{i}:PartyId"] = partners[i].Identity.PartyId;
            settings[$"Roaming:Partners:{i}:Url"] = partners[i].Url?.ToString();
        }

        return settings;
    }
}
