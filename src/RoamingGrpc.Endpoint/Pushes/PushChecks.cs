using Google.Protobuf;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// The receiver's checks of pushed records, one per <see cref="PushKinds"/> entry: a CSO can only write its own
/// records, and a record meant for another CSP is refused. Each throws a <see cref="RoamingException"/> to refuse.
/// </summary>
internal static class PushChecks
{
    /// <summary>A site of the sender: canonical when current, its id and operator when a tombstone.</summary>
    public static void Site(Site site, PushContext push)
    {
        if (!site.Removed)
        {
            SiteValidator.Canonical(site, push.Sender);
            return;
        }

        SiteValidator.SiteId(site.SiteId, "site.site_id");
        OwnRecord(site.OperatorId, push.Sender, "site.operator_id");
    }

    /// <summary>A tariff of the sender, general or for this CSP.</summary>
    public static void Tariff(Tariff tariff, PushContext push)
    {
        if (tariff.TargetProviderId.Length > 0 && tariff.TargetProviderId != push.Receiver.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"tariff.target_provider_id {tariff.TargetProviderId} is another provider; this endpoint is {push.Receiver.PartyId}");
        }

        if (!tariff.Removed)
        {
            TariffValidator.Canonical(tariff, push.Sender);
            return;
        }

        TariffValidator.TariffId(tariff.TariffId, "tariff.tariff_id");
        OwnRecord(tariff.OperatorId, push.Sender, "tariff.operator_id");
    }

    /// <summary>A session of the sender for this CSP.</summary>
    public static void Session(Session session, PushContext push) =>
        ChargingRecord(session, "session", session.SessionId, session.OperatorId, session.ProviderId, push);

    /// <summary>An SDR of the sender for this CSP.</summary>
    public static void Sdr(Sdr sdr, PushContext push) =>
        ChargingRecord(sdr, "sdr", sdr.SdrId, sdr.OperatorId, sdr.ProviderId, push);

    /// <summary>A reservation of the sender for this CSP.</summary>
    public static void Reservation(Reservation reservation, PushContext push) =>
        ChargingRecord(reservation, "reservation", reservation.ReservationId, reservation.OperatorId, reservation.ProviderId, push);

    /// <summary>A command outcome: its command id and a result of the contract.</summary>
    public static void CommandResult(CommandResult result, PushContext push)
    {
        RequestFields.LocalId(result.CommandId, "command_result.command_id");
        if (result.Result == CommandResultType.Unspecified || !Enum.IsDefined(result.Result))
        {
            throw RoamingErrors.InvalidField("command_result.result", ErrorReason.InvalidField, "must be one of the COMMAND_RESULT_TYPE values (not UNSPECIFIED)");
        }
    }

    /// <summary>A maintenance notice of the sender, with its state and kind, naming EVSEs of the sender only.</summary>
    public static void MaintenanceNotice(MaintenanceNotice notice, PushContext push)
    {
        RequestFields.LocalId(notice.MaintenanceNoticeId, "maintenance_notice.maintenance_notice_id");
        OwnRecord(notice.OperatorId, push.Sender, "maintenance_notice.operator_id");
        if (notice.State == MaintenanceNoticeState.Unspecified || !Enum.IsDefined(notice.State)
            || notice.Kind == MaintenanceKind.Unspecified || !Enum.IsDefined(notice.Kind))
        {
            throw RoamingErrors.InvalidField(
                notice.Kind == MaintenanceKind.Unspecified || !Enum.IsDefined(notice.Kind) ? "maintenance_notice.kind" : "maintenance_notice.state",
                ErrorReason.InvalidField,
                "must be one of the contract's values (not UNSPECIFIED)");
        }

        for (var i = 0; i < notice.EvseIds.Count; i++)
        {
            StatusValidator.EvseIdOf(notice.EvseIds[i], $"maintenance_notice.evse_ids[{i}]", push.Sender);
        }
    }

    /// <summary>A session's plan in force: identifiers, enums and spec well formed (records are kept per CSO).</summary>
    public static void ChargePlan(ChargePlan plan, PushContext push) => ChargePlanValidator.Pushed(plan);

    // A session, reservation or SDR must be the sender's (operator) and for this endpoint (provider).
    private static void ChargingRecord(IMessage record, string field, string id, string operatorId, string providerId, PushContext push)
    {
        RequestFields.LocalId(id, $"{field}.{field}_id");
        OwnRecord(operatorId, push.Sender, $"{field}.operator_id");
        if (providerId != push.Receiver.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"{field}.provider_id {providerId} is another provider; this endpoint is {push.Receiver.PartyId}");
        }
    }

    private static void OwnRecord(string operatorId, PartyIdentity sender, string field)
    {
        if (operatorId != sender.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"{field} '{operatorId}' is not the caller's operator {sender.PartyId}");
        }
    }
}
