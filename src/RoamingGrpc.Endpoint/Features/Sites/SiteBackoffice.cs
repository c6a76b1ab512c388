using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Sites;

/// <summary>The back office's side of UC1-2 (<c>CsoBackofficeService.UpsertSite</c>, <c>RemoveSite</c>): checked, then published once per request id.</summary>
internal sealed class SiteBackoffice(SitePublisher publisher, IdempotentWriter writer, EndpointSettings endpoint)
{
    public Task<UpsertSiteResponse> UpsertAsync(UpsertSiteRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var site = SiteValidator.Canonical(request.Site, endpoint.Identity);
        return writer.OnceAsync(context, requestId, request, UpsertSiteResponse.Parser, write => new UpsertSiteResponse { Site = publisher.Upsert(write, site) });
    }

    public Task<RemoveSiteResponse> RemoveAsync(RemoveSiteRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var siteId = SiteValidator.SiteId(request.SiteId, "site_id");
        return writer.OnceAsync(context, requestId, request, RemoveSiteResponse.Parser, write => new RemoveSiteResponse { Site = publisher.Remove(write, siteId, endpoint.Identity) });
    }
}
