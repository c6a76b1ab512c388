using Microsoft.Extensions.Hosting;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Partners;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// Runs before anything serves: applies migrations (a broken schema stops start-up) and puts the configured
/// partners into the registry.
/// </summary>
internal sealed class StorageStartup(
    SqliteDatabase database,
    IPartnerRepository partners,
    PartnerDirectory directory,
    EndpointSettings settings,
    TimeProvider clock)
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
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await database.DisposeAsync().ConfigureAwait(false);
}
