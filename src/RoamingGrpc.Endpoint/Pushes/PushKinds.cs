using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// The one table of pushed kinds: each entry names the kind, its <c>CsoUpdateService</c> RPC, how its header is
/// read and the receiver's check. The outbox relay sends and the receiver applies every kind from this table;
/// adding a kind is one entry here, its check, and a one-line override in <see cref="CsoUpdateServiceImpl"/>.
/// </summary>
internal static class PushKinds
{
    /// <summary>Sites (UC1-2); a removed site is a tombstone.</summary>
    public static readonly PushKind<Site, PushSiteUpdatesRequest, PushSiteUpdatesResponse> Site = new(
        "site",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushSiteUpdates),
        site => new(site.SiteId, site.Version, site.Removed, site.UpdateTime),
        PushChecks.Site);

    /// <summary>Tariffs (UC2-1), general or for one CSP; a removed tariff is a tombstone.</summary>
    public static readonly PushKind<Tariff, PushTariffUpdatesRequest, PushTariffUpdatesResponse> Tariff = new(
        "tariff",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushTariffUpdates),
        tariff => new(tariff.TariffId, tariff.Version, tariff.Removed, tariff.UpdateTime),
        PushChecks.Tariff);

    /// <summary>Sessions (UC3-1, UC3-3, UC3-5: start, state changes and end).</summary>
    public static readonly PushKind<Session, PushSessionUpdatesRequest, PushSessionUpdatesResponse> Session = new(
        "session",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushSessionUpdates),
        session => new(session.SessionId, session.Version, false, session.UpdateTime),
        PushChecks.Session);

    /// <summary>SDRs (UC3-9), each version of their status.</summary>
    public static readonly PushKind<Sdr, PushSdrsRequest, PushSdrsResponse> Sdr = new(
        "sdr",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushSdrs),
        sdr => new(sdr.SdrId, sdr.Version, false, sdr.UpdateTime),
        PushChecks.Sdr);

    /// <summary>
    /// Command outcomes (UC3-2, UC3-4, UC3-7, UC3-8, UC5-2, UC5-3). Outcomes are final, not versioned: every outcome is
    /// version 1, so a second one for a command is SUPERSEDED.
    /// </summary>
    public static readonly PushKind<CommandResult, PushCommandResultsRequest, PushCommandResultsResponse> CommandResult = new(
        "command_result",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushCommandResults),
        result => new(result.CommandId, 1, false, result.ResultTime),
        PushChecks.CommandResult);

    /// <summary>Maintenance notices (UC5-1), every version.</summary>
    public static readonly PushKind<MaintenanceNotice, PushMaintenanceNoticesRequest, PushMaintenanceNoticesResponse> MaintenanceNotice = new(
        "maintenance_notice",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushMaintenanceNotices),
        notice => new(notice.MaintenanceNoticeId, notice.Version, false, notice.UpdateTime),
        PushChecks.MaintenanceNotice);

    /// <summary>
    /// The charge plan in force of a session (UC3-7, UC3-10): the session is the entity, a CLEARED plan its tombstone.
    /// </summary>
    public static readonly PushKind<ChargePlan, PushChargePlanUpdatesRequest, PushChargePlanUpdatesResponse> ChargePlan = new(
        "charge_plan",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushChargePlanUpdates),
        plan => new(plan.SessionId, plan.Version, plan.Status == ChargePlanStatus.Cleared, plan.UpdateTime),
        PushChecks.ChargePlan);

    /// <summary>Reservations (UC3-8: activation, use, expiry, cancellation), every version.</summary>
    public static readonly PushKind<Reservation, PushReservationUpdatesRequest, PushReservationUpdatesResponse> Reservation = new(
        "reservation",
        nameof(CsoUpdateService.CsoUpdateServiceClient.PushReservationUpdates),
        reservation => new(reservation.ReservationId, reservation.Version, false, reservation.UpdateTime),
        PushChecks.Reservation);

    /// <summary>Every kind, by name (the outbox's kind column).</summary>
    public static readonly IReadOnlyDictionary<string, PushKind> ByName = new PushKind[]
    {
        Site, Tariff, Session, Sdr, CommandResult, MaintenanceNotice, ChargePlan, Reservation,
    }.ToDictionary(kind => kind.Name, StringComparer.Ordinal);
}
