using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Sites;

namespace RoamingGrpc.Endpoint.Features.Sites;

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
        long? updatedSince = RequestFields.UnixMilliseconds(request.UpdatedSince, "updated_since");
        var cursor = ListingCursor.Start(request.PageToken, ListingCursor.FiltersOf(updatedSince, country), clock.GetUtcNow());

        var rows = await sites.ListAsync(
            new SitePageQuery(updatedSince, country, cursor.AfterId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var (page, nextPageToken) = cursor.Cut(rows, pageSize, updatedSince is not null, row => row.SiteId, row => row.ChangeSeq);
        var response = new ListSitesResponse
        {
            Sites = { page.Select(row => Site.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
            NextPageToken = nextPageToken,
        };

        return response;
    }

    public override async Task<GetSiteResponse> GetSite(GetSiteRequest request, ServerCallContext context)
    {
        var siteId = SiteValidator.SiteId(request.SiteId, "site_id");
        var row = await sites.GetAsync(siteId, context.CancellationToken).ConfigureAwait(false);
        if (row is null || row.Removed)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSite, $"Site '{siteId}' does not exist or was removed.", [new("site_id", siteId)]);
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
}
