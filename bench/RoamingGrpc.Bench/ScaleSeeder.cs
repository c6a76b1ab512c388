using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Bench;

/// <summary>
/// The data of a scale server (<c>cso-scale-N</c>): N EVSEs on sites of <see cref="EvsesPerSite"/>, written through the
/// store's own code on its writer, <see cref="SitesPerWrite"/> sites per write (one transaction each). Each site is
/// stored as UpsertSite stores a new site (canonical form from <see cref="SiteValidator"/>, version 1, stamped, its
/// EVSE index rows, the next change sequence) and each EVSE gets a current status as ReportEvseStatus stores one
/// (a status log entry and the current-status row). Not written: UpsertSite's request-log record and its outbox
/// entry per CSP (in steady state both are bounded by time and delivery, not by the number of EVSEs).
/// </summary>
internal static class ScaleSeeder
{
    public const int EvsesPerSite = 10;
    private const string KindPrefix = "cso-scale-";
    private const int SitesPerWrite = 5_000;

    /// <summary>The server kind with <paramref name="evses"/> EVSEs stored.</summary>
    public static string Kind(int evses) => KindPrefix + evses.ToString(CultureInfo.InvariantCulture);

    /// <summary>The number of EVSEs of a scale server kind, or null for another kind.</summary>
    public static int? EvsesOf(string kind) =>
        kind.StartsWith(KindPrefix, StringComparison.Ordinal) ? int.Parse(kind[KindPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture) : null;

    /// <summary>The EVSE ids a scale server holds, site by site.</summary>
    public static List<string> EvseIds(int evses) => BenchSites.EvseIds(evses / EvsesPerSite, EvsesPerSite);

    public static async Task SeedAsync(IServiceProvider services, int evses)
    {
        var watch = Stopwatch.StartNew();
        var database = services.GetRequiredService<IDatabase>();
        var sites = services.GetRequiredService<ISiteRepository>();
        var statuses = services.GetRequiredService<IEvseStatusStore>();
        var siteCount = evses / EvsesPerSite;
        for (var first = 0; first < siteCount; first += SitesPerWrite)
        {
            var now = DateTimeOffset.UtcNow;
            var stamp = Timestamp.FromDateTimeOffset(now);
            var batch = BenchSites.Create(first, Math.Min(SitesPerWrite, siteCount - first), EvsesPerSite)
                .Select(site => Stamped(SiteValidator.Canonical(site, BenchParties.Cso), stamp))
                .ToList();
            await database.WriteAsync(
                context =>
                {
                    foreach (var site in batch)
                    {
                        var evseIds = site.Evses.Select(evse => evse.EvseId).ToList();
                        sites.Save(context, new SiteRow(site.SiteId, (long)site.Version, sites.NextChangeSeq(context), now.ToUnixTimeMilliseconds(), 0, site.CountryCode, site.ToByteArray()), evseIds);
                        foreach (var evseId in evseIds)
                        {
                            statuses.Append(context, evseId, site.SiteId, (long)EvseStatus.Available, now.ToUnixTimeMilliseconds(), now);
                        }
                    }

                    return 0;
                },
                CancellationToken.None).ConfigureAwait(false);
        }

        // stdout carries the READY protocol: the seed's duration goes to the server's log.
        await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"seeded {evses:N0} EVSEs on {siteCount:N0} sites in {watch.Elapsed.TotalSeconds:0.0} s")).ConfigureAwait(false);
    }

    // What UpsertSite stores for a new site: version 1, the site, its EVSEs and connectors stamped with the write's time.
    private static Site Stamped(Site site, Timestamp now)
    {
        site.Version = 1;
        site.UpdateTime = now;
        site.Removed = false;
        foreach (var evse in site.Evses)
        {
            evse.UpdateTime = now;
            foreach (var connector in evse.Connectors)
            {
                connector.UpdateTime = now;
            }
        }

        return site;
    }
}
