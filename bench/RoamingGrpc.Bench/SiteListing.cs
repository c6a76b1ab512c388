using System.Diagnostics;
using Grpc.Net.Client;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Bench;

/// <summary>
/// A CSP reading a scale server's full site listing (<c>SiteService.ListSites</c>, no filters) page by page, from the
/// first page or from the middle of the listing (a real page token, reached by paging there).
/// </summary>
internal sealed class SiteListing
{
    private const int StepPageSize = 1000;
    private readonly SiteService.SiteServiceClient _client;
    private readonly int _pageSize;

    private SiteListing(SiteService.SiteServiceClient client, int pageSize, string middle)
    {
        _client = client;
        _pageSize = pageSize;
        Middle = middle;
    }

    /// <summary>The page token that continues after the first half of the sites.</summary>
    public string Middle { get; }

    /// <summary>Pages to the middle of a listing of <paramref name="sites"/> sites and checks where it landed.</summary>
    public static async Task<SiteListing> PrepareAsync(GrpcChannel channel, int sites, int pageSize)
    {
        var client = new SiteService.SiteServiceClient(channel);
        var half = sites / 2;
        var step = Math.Min(StepPageSize, half);
        var token = string.Empty;
        for (var seen = 0; seen < half;)
        {
            var page = await client.ListSitesAsync(new ListSitesRequest { PageSize = Math.Min(step, half - seen), PageToken = token }).ConfigureAwait(false);
            if (page.Sites.Count == 0 || page.NextPageToken.Length == 0)
            {
                throw new InvalidOperationException($"the listing ended after {seen + page.Sites.Count} of {sites} sites");
            }

            seen += page.Sites.Count;
            token = page.NextPageToken;
        }

        var listing = new SiteListing(client, pageSize, token);
        var first = await client.ListSitesAsync(new ListSitesRequest { PageSize = 1, PageToken = token }).ConfigureAwait(false);
        if (first.Sites.Count != 1 || first.Sites[0].SiteId != BenchSites.SiteId(half))
        {
            throw new InvalidOperationException($"the middle of the listing is not site {BenchSites.SiteId(half)}");
        }

        return listing;
    }

    /// <summary>
    /// <paramref name="passes"/> times: reads <paramref name="pages"/> consecutive pages from <paramref name="start"/>
    /// (empty: the first page), starting over from it when the listing ends; returns milliseconds per page.
    /// </summary>
    public async Task<double> PagesAsync(string start, int pages, int passes)
    {
        var watch = Stopwatch.StartNew();
        for (var pass = 0; pass < passes; pass++)
        {
            var token = start;
            for (var i = 0; i < pages; i++)
            {
                var page = await _client.ListSitesAsync(new ListSitesRequest { PageSize = _pageSize, PageToken = token }).ConfigureAwait(false);
                if (page.Sites.Count == 0 || (page.NextPageToken.Length > 0 && page.Sites.Count != _pageSize))
                {
                    throw new InvalidOperationException($"page {i + 1} held {page.Sites.Count} sites (page size {_pageSize})");
                }

                token = page.NextPageToken.Length > 0 ? page.NextPageToken : start;
            }
        }

        return watch.Elapsed.TotalMilliseconds / (pages * passes);
    }
}
