using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Sites;

namespace RoamingGrpc.Endpoint.Services;

/// <summary>
/// UC1-2 pull side, hosted by the visited-CSO for registered CSPs: full listings by site id (each current site
/// exactly once, even while sites change) and deltas in the order changes were made, tombstones included.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class SiteServiceImpl(ISiteRepository sites, TimeProvider clock) : SiteService.SiteServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<ListSitesResponse> ListSites(ListSitesRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        var country = string.IsNullOrEmpty(request.CountryCode) ? null : CountryOf(request.CountryCode);
        long? updatedSince = request.UpdatedSince?.ToDateTimeOffset().ToUnixTimeMilliseconds();
        var cursor = SiteCursor.Decode(request.PageToken, updatedSince, country)
            ?? new SiteCursor(clock.GetUtcNow().ToUnixTimeMilliseconds(), updatedSince, country, null, null);

        var rows = await sites.ListAsync(
            new SitePageQuery(updatedSince, country, cursor.AfterSiteId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).ToList();
        var response = new ListSitesResponse
        {
            Sites = { page.Select(row => Site.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
        };
        if (rows.Count > pageSize)
        {
            var last = page[^1];
            response.NextPageToken = (updatedSince is null
                ? cursor with { AfterSiteId = last.SiteId }
                : cursor with { AfterChangeSeq = last.ChangeSeq }).Encode();
        }

        return response;
    }

    public override async Task<GetSiteResponse> GetSite(GetSiteRequest request, ServerCallContext context)
    {
        var siteId = SiteValidator.SiteId(request.SiteId, "site_id");
        var row = await sites.GetAsync(siteId, context.CancellationToken).ConfigureAwait(false);
        if (row is null || row.Removed)
        {
            throw RoamingErrors.Create(StatusCode.NotFound, ErrorReason.UnknownSite, $"Site '{siteId}' does not exist or was removed.", [new("site_id", siteId)]);
        }

        return new GetSiteResponse { Site = Site.Parser.ParseFrom(row.Payload) };
    }

    private static string CountryOf(string value)
    {
        try
        {
            return CountryCode.Parse(value).ToString();
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField("country_code", ErrorReason.InvalidIdentifier, ex.Message);
        }
    }

    /// <summary>Where a listing stands: when it started, what it filters on, and the last item returned.</summary>
    private sealed record SiteCursor(long SyncTime, long? UpdatedSince, string? Country, string? AfterSiteId, long? AfterChangeSeq)
    {
        public string Encode() => Paging.EncodeCursor(string.Join(
            '|',
            SyncTime.ToString(CultureInfo.InvariantCulture),
            UpdatedSince?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            Country ?? string.Empty,
            AfterChangeSeq?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            AfterSiteId ?? string.Empty));

        /// <summary>The cursor in <paramref name="token"/> (null for the first page); the filters must be the token's.</summary>
        public static SiteCursor? Decode(string token, long? updatedSince, string? country)
        {
            var text = Paging.DecodeCursor(token);
            if (text is null)
            {
                return null;
            }

            var parts = text.Split('|', 5);
            if (parts.Length == 5
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var syncTime)
                && parts[1] == (updatedSince?.ToString(CultureInfo.InvariantCulture) ?? string.Empty)
                && parts[2] == (country ?? string.Empty))
            {
                long? afterChangeSeq = long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;
                return new SiteCursor(syncTime, updatedSince, country, parts[4].Length == 0 ? null : parts[4], afterChangeSeq);
            }

            throw RoamingErrors.InvalidField("page_token", ErrorReason.InvalidPageToken, "does not belong to a listing with these updated_since and country_code; start again with an empty page_token");
        }
    }
}
