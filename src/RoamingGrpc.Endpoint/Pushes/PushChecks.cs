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
/// records, and a record meant for another CSP is refused. Each throws a <see cref="RoamingException"/> to refuse, and
/// returns the record as the receiver stores it: a record's operator_id may be empty or the sender's party
/// (cso_update_service.proto), and is stored as the sender's party, so that what a CSP holds always names its owner.
/// </summary>
internal static class PushChecks
{
    /// <summary>A site of the sender: canonical when current, its id and operator when a tombstone.</summary>
    public static Site Site(Site site, PushContext push)
    {
        if (!site.Removed)
        {
            SiteValidator.Canonical(site, push.Sender);
        }
        else
        {
            SiteValidator.SiteId(site.SiteId, "site.site_id");
            OwnRecord(site.OperatorId, push.Sender, "site.operator_id");
        }

        return WithOperator(site, site.OperatorId, push, (record, operatorId) => record.OperatorId = operatorId);
    }

    /// <summary>A tariff of the sender, general or for this CSP.</summary>
    public static Tariff Tariff(Tariff tariff, PushContext push)
    {
        if (tariff.TargetProviderId.Length > 0 && tariff.TargetProviderId != push.Receiver.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"tariff.target_provider_id {tariff.TargetProviderId} is another provider; this endpoint is {push.Receiver.PartyId}");
        }

        if (!tariff.Removed)
        {
            TariffValidator.Canonical(tariff, push.Sender);
        }
        else
        {
            TariffValidator.TariffId(tariff.TariffId, "tariff.tariff_id");
            OwnRecord(tariff.OperatorId, push.Sender, "tariff.operator_id");
        }

        return WithOperator(tariff, tariff.OperatorId, push, (record, operatorId) => record.OperatorId = operatorId);
    }

    /// <summary>A session of the sender for this CSP.</summary>
    public static Session Session(Session session, PushContext push)
    {
        ChargingRecord("session", session.SessionId, session.OperatorId, session.ProviderId, push);
        return WithOperator(session, session.OperatorId, push, (record, operatorId) => record.OperatorId = operatorId);
    }

    /// <summary>An SDR of the sender for this CSP.</summary>
    public static Sdr Sdr(Sdr sdr, PushContext push)
    {
        ChargingRecord("sdr", sdr.SdrId, sdr.OperatorId, sdr.ProviderId, push);
        return WithOperator(sdr, sdr.OperatorId, push, (record, operatorId) => record.OperatorId = operatorId);
    }

    /// <summary>A reservation of the sender for this CSP.</summary>
    public static Reservation Reservation(Reservation reservation, PushContext push)
    {
        ChargingRecord("reservation", reservation.ReservationId, reservation.OperatorId, reservation.ProviderId, push);
        return WithOperator(reservation, reservation.OperatorId, push, (record, operatorId) => record.OperatorId = operatorId);
    }

    /// <summary>A command outcome: its command id and a result of the contract.</summary>
    public static CommandResult CommandResult(CommandResult result, PushContext push)
    {
        RequestFields.LocalId(result.CommandId, "command_result.command_id");
        if (result.Result == CommandResultType.Unspecified || !Enum.IsDefined(result.Result))
        {
            throw RoamingErrors.InvalidField("command_result.result", ErrorReason.InvalidField, "must be one of the COMMAND_RESULT_TYPE values (not UNSPECIFIED)");
        }

        return result;
    }

    /// <summary>A maintenance notice of the sender, with its state and kind, naming EVSEs of the sender only.</summary>
    public static MaintenanceNotice MaintenanceNotice(MaintenanceNotice notice, PushContext push)
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

        return WithOperator(notice, notice.OperatorId, push, (record, operatorId) => record.OperatorId = operatorId);
    }

    /// <summary>A session's plan in force: identifiers, enums and spec well formed (records are kept per CSO).</summary>
    public static ChargePlan ChargePlan(ChargePlan plan, PushContext push)
    {
        ChargePlanValidator.Pushed(plan);
        return plan;
    }

    // A session, reservation or SDR must be the sender's (operator) and for this endpoint (provider).
    private static void ChargingRecord(string field, string id, string operatorId, string providerId, PushContext push)
    {
        RequestFields.LocalId(id, $"{field}.{field}_id");
        OwnRecord(operatorId, push.Sender, $"{field}.operator_id");
        if (providerId != push.Receiver.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"{field}.provider_id {providerId} is another provider; this endpoint is {push.Receiver.PartyId}");
        }
    }

    // Empty (the sender's, filled in) or the sender's party; another operator is refused.
    private static void OwnRecord(string operatorId, PartyIdentity sender, string field)
    {
        if (operatorId.Length > 0 && operatorId != sender.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"{field} '{operatorId}' is not the caller's operator {sender.PartyId}; leave it empty or state {sender.PartyId}");
        }
    }

    // The record as stored: its operator is the sender's party (it was checked to be empty or the sender's, in any
    // spelling the record's check accepts).
    private static TRecord WithOperator<TRecord>(TRecord record, string operatorId, PushContext push, Action<TRecord, string> setOperator)
        where TRecord : IMessage<TRecord>, IDeepCloneable<TRecord>
    {
        if (operatorId == push.Sender.PartyId)
        {
            return record;
        }

        var stored = record.Clone();
        setOperator(stored, push.Sender.PartyId);
        return stored;
    }
}
