using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// The CSP's <c>CsoUpdateService</c>: every push of a registered CSO goes to the <see cref="PushReceiver"/> with its
/// <see cref="PushKinds"/> entry (UC1-2 sites, UC2-1 tariffs, UC3 sessions, reservations, SDRs, command outcomes and
/// charge plans in force, UC5-1 maintenance notices).
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class CsoUpdateServiceImpl(PushReceiver receiver) : CsoUpdateService.CsoUpdateServiceBase
{
    public override Task<PushSiteUpdatesResponse> PushSiteUpdates(PushSiteUpdatesRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.Site, request, context);

    public override Task<PushTariffUpdatesResponse> PushTariffUpdates(PushTariffUpdatesRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.Tariff, request, context);

    public override Task<PushSessionUpdatesResponse> PushSessionUpdates(PushSessionUpdatesRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.Session, request, context);

    public override Task<PushSdrsResponse> PushSdrs(PushSdrsRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.Sdr, request, context);

    public override Task<PushCommandResultsResponse> PushCommandResults(PushCommandResultsRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.CommandResult, request, context);

    public override Task<PushMaintenanceNoticesResponse> PushMaintenanceNotices(PushMaintenanceNoticesRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.MaintenanceNotice, request, context);

    public override Task<PushChargePlanUpdatesResponse> PushChargePlanUpdates(PushChargePlanUpdatesRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.ChargePlan, request, context);

    public override Task<PushReservationUpdatesResponse> PushReservationUpdates(PushReservationUpdatesRequest request, ServerCallContext context) =>
        receiver.ReceiveAsync(PushKinds.Reservation, request, context);
}
