using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Partners;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// Runs before anything serves: applies migrations (a broken schema stops start-up), puts the configured
/// partners into the registry, and forgets a URL a partner stated earlier that its <c>AllowedUrls</c> no longer allow
/// (the operator narrowed them), so that nothing calls it.
/// </summary>
internal sealed partial class StorageStartup(
    SqliteDatabase database,
    IPartnerRepository partners,
    PartnerDirectory directory,
    EndpointSettings settings,
    TimeProvider clock,
    ILogger<StorageStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await database.InitializeAsync().ConfigureAwait(false);
        var configured = settings.Partners
            .Select(partner => new ConfiguredPartner(partner.Identity, partner.Url is null ? null : EndpointSettings.CanonicalUrl(partner.Url)))
            .ToList();
        await partners.EnsureConfiguredAsync(configured, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await directory.LoadAsync(partners, cancellationToken).ConfigureAwait(false);

        var disallowed = new List<PartyIdentity>();
        foreach (var partner in settings.Partners.Where(partner => partner.Url is null && partner.AllowedUrls.Count > 0))
        {
            if (directory.Find(partner.Identity)?.EndpointUrl is { } stored
                && EndpointSettings.TryParseHttpsUrl(stored, out var url)
                && !partner.AllowedUrls.Any(pattern => pattern.Matches(url)))
            {
                Log.Forgotten(logger, partner.Identity, stored);
                disallowed.Add(partner.Identity);
            }
        }

        if (disallowed.Count > 0)
        {
            foreach (var partner in await partners.ForgetEndpointUrlsAsync(disallowed, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                directory.Update(partner);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await database.DisposeAsync().ConfigureAwait(false);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Partners.StoredUrlForgotten, Level = LogLevel.Warning, Message = "Forgot the endpoint URL {Url} of partner {Partner}: its Roaming:Partners AllowedUrls no longer allow it; it is learnt again from the partner's next handshake")]
        public static partial void Forgotten(ILogger logger, PartyIdentity partner, string url);
    }
}
