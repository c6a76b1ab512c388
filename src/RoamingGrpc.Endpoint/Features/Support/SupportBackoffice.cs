using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage.Support;

namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>
/// The back office's side of UC5: maintenance notices published and ended (UC5-1, <c>PublishMaintenanceNotice</c>,
/// <c>EndMaintenanceNotice</c>, once per request id) and the audit of unlock requests (UC5-2, UC5-3,
/// <c>ListUnlockRequests</c>).
/// </summary>
internal sealed class SupportBackoffice(MaintenanceNotices maintenance, IUnlockRequestLog unlockAudit, IdempotentWriter writer, EndpointSettings endpoint, TimeProvider clock)
{
    public async Task<PublishMaintenanceNoticeResponse> PublishMaintenanceNoticeAsync(PublishMaintenanceNoticeRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var notice = MaintenanceValidator.Canonical(request.MaintenanceNotice, endpoint.Identity, clock.GetUtcNow());
        var response = await writer.OnceAsync(context, requestId, request, PublishMaintenanceNoticeResponse.Parser, write => new PublishMaintenanceNoticeResponse { MaintenanceNotice = maintenance.Publish(write, notice) }).ConfigureAwait(false);
        return response;
    }

    public async Task<EndMaintenanceNoticeResponse> EndMaintenanceNoticeAsync(EndMaintenanceNoticeRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var noticeId = RequestFields.LocalId(request.MaintenanceNoticeId, "maintenance_notice_id");
        DateTimeOffset? endTime = request.EndTime is null ? null : MaintenanceValidator.Time(request.EndTime, "end_time");
        var response = await writer.OnceAsync(context, requestId, request, EndMaintenanceNoticeResponse.Parser, write => new EndMaintenanceNoticeResponse { MaintenanceNotice = maintenance.End(write, noticeId, endTime) }).ConfigureAwait(false);
        return response;
    }

    /// <summary>Largest page of the unlock audit.</summary>
    public const int MaxUnlockPage = 1000;

    public async Task<ListUnlockRequestsResponse> ListUnlockRequestsAsync(ListUnlockRequestsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, 100, MaxUnlockPage);
        var provider = request.ProviderId.Length > 0 ? RequestFields.Party(PartyRole.Csp, request.ProviderId, "provider_id").PartyId : null;
        var evseId = request.EvseId.Length > 0 ? StatusValidator.EvseIdOf(request.EvseId, "evse_id", endpoint.Identity) : null;
        long? since = request.RequestedSince is null ? null : MaintenanceValidator.Time(request.RequestedSince, "requested_since").ToUnixTimeMilliseconds();
        // Newest first, so the token is the last audit id returned, with the filters it was issued for.
        var filters = ListingCursor.FiltersOf(provider, evseId, since);
        long? before = null;
        if (Paging.DecodeCursor(request.PageToken) is { } cursor)
        {
            var split = cursor.LastIndexOf('|');
            before = split > 0 && cursor[..split] == filters && long.TryParse(cursor[(split + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var after)
                ? after
                : throw RoamingErrors.InvalidField("page_token", ErrorReason.InvalidPageToken, "does not belong to a listing with these filters; start again with an empty page_token");
        }

        var rows = await unlockAudit.ListAsync(new UnlockPageQuery(provider, evseId, since, before, pageSize + 1), context.CancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).ToList();
        var response = new ListUnlockRequestsResponse { UnlockRequests = { page.Select(ConnectorUnlocks.ToProto) } };
        if (rows.Count > pageSize)
        {
            response.NextPageToken = Paging.EncodeCursor($"{filters}|{page[^1].AuditId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        return response;
    }
}
