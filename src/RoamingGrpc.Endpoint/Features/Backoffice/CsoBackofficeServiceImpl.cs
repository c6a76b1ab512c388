using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Support;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Features.Backoffice;

/// <summary>
/// The CSO's local back-office API, for the operator's own systems and stations (backoffice certificate of this
/// party): each RPC is served by its use case's feature.
/// </summary>
[Callers(CallerPolicy.OwnBackoffice)]
internal sealed class CsoBackofficeServiceImpl(
    SiteBackoffice sites,
    StatusBackoffice statuses,
    TariffBackoffice tariffs,
    StationBackoffice station,
    ChargePlanBackoffice chargePlans,
    SdrBackoffice sdrs,
    SupportBackoffice support) : CsoBackofficeService.CsoBackofficeServiceBase
{
    public override Task<UpsertSiteResponse> UpsertSite(UpsertSiteRequest request, ServerCallContext context) => sites.UpsertAsync(request, context);

    public override Task<RemoveSiteResponse> RemoveSite(RemoveSiteRequest request, ServerCallContext context) => sites.RemoveAsync(request, context);

    public override Task<ReportEvseStatusResponse> ReportEvseStatus(ReportEvseStatusRequest request, ServerCallContext context) => statuses.ReportAsync(request, context);

    public override Task<UpsertTariffResponse> UpsertTariff(UpsertTariffRequest request, ServerCallContext context) => tariffs.UpsertAsync(request, context);

    public override Task<RemoveTariffResponse> RemoveTariff(RemoveTariffRequest request, ServerCallContext context) => tariffs.RemoveAsync(request, context);

    public override Task<PresentTokenResponse> PresentToken(PresentTokenRequest request, ServerCallContext context) => station.PresentTokenAsync(request, context);

    public override Task<ReportSessionEventResponse> ReportSessionEvent(ReportSessionEventRequest request, ServerCallContext context) => station.ReportSessionEventAsync(request, context);

    public override Task<ReportMeterValuesResponse> ReportMeterValues(ReportMeterValuesRequest request, ServerCallContext context) => station.ReportMeterValuesAsync(request, context);

    public override Task WatchStationCommands(WatchStationCommandsRequest request, IServerStreamWriter<WatchStationCommandsResponse> responseStream, ServerCallContext context) =>
        station.WatchStationCommandsAsync(request, responseStream, context);

    public override Task<ReportCommandResultResponse> ReportCommandResult(ReportCommandResultRequest request, ServerCallContext context) => station.ReportCommandResultAsync(request, context);

    public override Task<OverrideChargePlanResponse> OverrideChargePlan(OverrideChargePlanRequest request, ServerCallContext context) => chargePlans.OverrideAsync(request, context);

    public override Task<CorrectSdrResponse> CorrectSdr(CorrectSdrRequest request, ServerCallContext context) => sdrs.CorrectAsync(request, context);

    public override Task<PublishMaintenanceNoticeResponse> PublishMaintenanceNotice(PublishMaintenanceNoticeRequest request, ServerCallContext context) =>
        support.PublishMaintenanceNoticeAsync(request, context);

    public override Task<EndMaintenanceNoticeResponse> EndMaintenanceNotice(EndMaintenanceNoticeRequest request, ServerCallContext context) =>
        support.EndMaintenanceNoticeAsync(request, context);

    public override Task<ListUnlockRequestsResponse> ListUnlockRequests(ListUnlockRequestsRequest request, ServerCallContext context) =>
        support.ListUnlockRequestsAsync(request, context);
}
