using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.PartnerData;
using BatchResults = RoamingGrpc.Contracts.V1.PushSiteUpdatesResponse;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Services;

/// <summary>
/// The CSP's receiver of CSO pushes: UC1-2 sites, UC2-1 tariffs, UC3 sessions, reservations, SDRs, command outcomes
/// and charge plans in force (UC3-7, UC3-10, one record per session), UC5-1 maintenance notices. Each entry applies
/// once (deduplicated by delivery id) and only if it is newer than what is held (per-record version); a CSO can only
/// write its own records, and a record meant for another CSP is refused.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class CsoUpdateServiceImpl(
    IReceivedRecords received,
    IdempotentWriter writer,
    EndpointSettings endpoint,
    TimeProvider clock) : CsoUpdateService.CsoUpdateServiceBase
{
    /// <summary>Most entries in one push.</summary>
    public const int MaxBatch = 500;

    // How a refused delivery is recorded: the prefix, then the reason's proto name.
    private const string RefusedPrefix = "REJECTED:";

    public override async Task<PushSiteUpdatesResponse> PushSiteUpdates(PushSiteUpdatesRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.Site?.SiteId ?? string.Empty,
            update.Site?.Version ?? 0,
            update.Site?.Removed ?? false,
            update.Site?.UpdateTime,
            update.Site,
            () => ValidateSite(update.Site, cso))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.SiteKind, entries).ConfigureAwait(false);
        return PushSiteUpdatesResponse.Parser.ParseFrom(results.ToByteArray());
    }

    public override async Task<PushTariffUpdatesResponse> PushTariffUpdates(PushTariffUpdatesRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.Tariff?.TariffId ?? string.Empty,
            update.Tariff?.Version ?? 0,
            update.Tariff?.Removed ?? false,
            update.Tariff?.UpdateTime,
            update.Tariff,
            () => ValidateTariff(update.Tariff, cso))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.TariffKind, entries).ConfigureAwait(false);
        return PushTariffUpdatesResponse.Parser.ParseFrom(results.ToByteArray());
    }

    public override async Task<PushSessionUpdatesResponse> PushSessionUpdates(PushSessionUpdatesRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.Session?.SessionId ?? string.Empty,
            update.Session?.Version ?? 0,
            false,
            update.Session?.UpdateTime,
            update.Session,
            () => ValidateCharging(update.Session, "session", update.Session?.SessionId, update.Session?.OperatorId, update.Session?.ProviderId, cso))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.SessionKind, entries).ConfigureAwait(false);
        return PushSessionUpdatesResponse.Parser.ParseFrom(results.ToByteArray());
    }

    public override async Task<PushSdrsResponse> PushSdrs(PushSdrsRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.Sdr?.SdrId ?? string.Empty,
            update.Sdr?.Version ?? 0,
            false,
            update.Sdr?.UpdateTime,
            update.Sdr,
            () => ValidateCharging(update.Sdr, "sdr", update.Sdr?.SdrId, update.Sdr?.OperatorId, update.Sdr?.ProviderId, cso))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.SdrKind, entries).ConfigureAwait(false);
        return PushSdrsResponse.Parser.ParseFrom(results.ToByteArray());
    }

    public override async Task<PushCommandResultsResponse> PushCommandResults(PushCommandResultsRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        // Outcomes are final, not versioned: every outcome is version 1, so a second one for a command is SUPERSEDED.
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.CommandResult?.CommandId ?? string.Empty,
            update.CommandResult is null ? 0 : 1UL,
            false,
            update.CommandResult?.ResultTime,
            update.CommandResult,
            () => ValidateCommandResult(update.CommandResult))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.CommandResultKind, entries).ConfigureAwait(false);
        return PushCommandResultsResponse.Parser.ParseFrom(results.ToByteArray());
    }

    public override async Task<PushMaintenanceNoticesResponse> PushMaintenanceNotices(PushMaintenanceNoticesRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.MaintenanceNotice?.MaintenanceNoticeId ?? string.Empty,
            update.MaintenanceNotice?.Version ?? 0,
            false,
            update.MaintenanceNotice?.UpdateTime,
            update.MaintenanceNotice,
            () => ValidateMaintenanceNotice(update.MaintenanceNotice, cso))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.MaintenanceNoticeKind, entries).ConfigureAwait(false);
        return PushMaintenanceNoticesResponse.Parser.ParseFrom(results.ToByteArray());
    }

    // A notice must be the caller's, with its state and kind, and name EVSEs of the caller only.
    private static void ValidateMaintenanceNotice(MaintenanceNotice? notice, PartyIdentity cso)
    {
        if (notice is null)
        {
            throw RoamingErrors.MissingField("maintenance_notice");
        }

        RequestFields.LocalId(notice.MaintenanceNoticeId, "maintenance_notice.maintenance_notice_id");
        OwnRecord(notice.OperatorId, cso, "maintenance_notice.operator_id");
        if (notice.State == MaintenanceNoticeState.Unspecified || !System.Enum.IsDefined(notice.State)
            || notice.Kind == MaintenanceKind.Unspecified || !System.Enum.IsDefined(notice.Kind))
        {
            throw RoamingErrors.InvalidField(
                notice.Kind == MaintenanceKind.Unspecified || !System.Enum.IsDefined(notice.Kind) ? "maintenance_notice.kind" : "maintenance_notice.state",
                ErrorReason.InvalidField,
                "must be one of the contract's values (not UNSPECIFIED)");
        }

        for (var i = 0; i < notice.EvseIds.Count; i++)
        {
            StatusValidator.EvseIdOf(notice.EvseIds[i], $"maintenance_notice.evse_ids[{i}]", cso);
        }
    }

    public override async Task<PushChargePlanUpdatesResponse> PushChargePlanUpdates(PushChargePlanUpdatesRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        // One plan in force per session: the session is the entity, a CLEARED plan its tombstone. Records are kept per
        // CSO, so a CSO can only ever change the plans it pushed itself.
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.ChargePlan?.SessionId ?? string.Empty,
            update.ChargePlan?.Version ?? 0,
            update.ChargePlan?.Status == ChargePlanStatus.Cleared,
            update.ChargePlan?.UpdateTime,
            update.ChargePlan,
            () => ChargePlanValidator.Pushed(update.ChargePlan))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.ChargePlanKind, entries).ConfigureAwait(false);
        return PushChargePlanUpdatesResponse.Parser.ParseFrom(results.ToByteArray());
    }

    public override async Task<PushReservationUpdatesResponse> PushReservationUpdates(PushReservationUpdatesRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var entries = request.Updates.Select(update => new Entry(
            update.Delivery,
            update.Reservation?.ReservationId ?? string.Empty,
            update.Reservation?.Version ?? 0,
            false,
            update.Reservation?.UpdateTime,
            update.Reservation,
            () => ValidateCharging(update.Reservation, "reservation", update.Reservation?.ReservationId, update.Reservation?.OperatorId, update.Reservation?.ProviderId, cso))).ToList();
        var results = await ReceiveAsync(cso, context, request, request.RequestId, OutboxRelay.ReservationKind, entries).ConfigureAwait(false);
        return PushReservationUpdatesResponse.Parser.ParseFrom(results.ToByteArray());
    }

    // A session, reservation or SDR must be the caller's (operator) and for this endpoint (provider).
    private void ValidateCharging(IMessage? record, string field, string? id, string? operatorId, string? providerId, PartyIdentity cso)
    {
        if (record is null)
        {
            throw RoamingErrors.MissingField(field);
        }

        RequestFields.LocalId(id, $"{field}.{field}_id");
        OwnRecord(operatorId ?? string.Empty, cso, $"{field}.operator_id");
        if (providerId != endpoint.Identity.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"{field}.provider_id {providerId} is another provider; this endpoint is {endpoint.Identity.PartyId}");
        }
    }

    private static void ValidateCommandResult(CommandResult? result)
    {
        if (result is null)
        {
            throw RoamingErrors.MissingField("command_result");
        }

        RequestFields.LocalId(result.CommandId, "command_result.command_id");
        if (result.Result == CommandResultType.Unspecified || !System.Enum.IsDefined(result.Result))
        {
            throw RoamingErrors.InvalidField("command_result.result", ErrorReason.InvalidField, "must be one of the COMMAND_RESULT_TYPE values (not UNSPECIFIED)");
        }
    }

    private static void ValidateSite(Site? site, PartyIdentity cso)
    {
        if (site is null)
        {
            throw RoamingErrors.MissingField("site");
        }

        if (!site.Removed)
        {
            SiteValidator.Canonical(site, cso);
            return;
        }

        SiteValidator.SiteId(site.SiteId, "site.site_id");
        OwnRecord(site.OperatorId, cso, "site.operator_id");
    }

    private void ValidateTariff(Tariff? tariff, PartyIdentity cso)
    {
        if (tariff is null)
        {
            throw RoamingErrors.MissingField("tariff");
        }

        if (tariff.TargetProviderId.Length > 0 && tariff.TargetProviderId != endpoint.Identity.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"tariff.target_provider_id {tariff.TargetProviderId} is another provider; this endpoint is {endpoint.Identity.PartyId}");
        }

        if (!tariff.Removed)
        {
            TariffValidator.Canonical(tariff, cso);
            return;
        }

        TariffValidator.TariffId(tariff.TariffId, "tariff.tariff_id");
        OwnRecord(tariff.OperatorId, cso, "tariff.operator_id");
    }

    private static void OwnRecord(string operatorId, PartyIdentity cso, string field)
    {
        if (operatorId != cso.PartyId)
        {
            throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"{field} '{operatorId}' is not the caller's operator {cso.PartyId}");
        }
    }

    /// <summary>
    /// Applies a batch of pushed records of one kind; one result per entry, in order. Every Push*Response of the
    /// contract is <c>repeated DeliveryResult results = 1</c>, so one message type carries (and logs) them all.
    /// </summary>
    private Task<BatchResults> ReceiveAsync(PartyIdentity cso, ServerCallContext context, IMessage request, string requestId, string kind, IReadOnlyList<Entry> entries)
    {
        RequestFields.RequestId(requestId);
        if (entries.Count is 0 or > MaxBatch)
        {
            throw RoamingErrors.InvalidField("updates", ErrorReason.BatchTooLarge, $"must hold 1 to {MaxBatch} entries (was {entries.Count})");
        }

        for (var i = 0; i < entries.Count; i++)
        {
            RequestFields.RequestId(entries[i].Delivery?.DeliveryId, $"updates[{i}].delivery.delivery_id");
        }

        var sender = cso.ToString();
        return writer.ExecuteAsync(
            cso,
            context.Method,
            requestId,
            request,
            BatchResults.Parser,
            write =>
            {
                var response = new BatchResults();
                var now = clock.GetUtcNow();
                foreach (var entry in entries)
                {
                    var result = new DeliveryResult { DeliveryId = entry.Delivery!.DeliveryId };
                    if (received.DeliveryOutcome(write, sender, result.DeliveryId) is { } earlier)
                    {
                        // A refusal is answered again as the refusal (the sender may not have parked it yet);
                        // anything applied or superseded before is a duplicate now.
                        var refused = earlier.StartsWith(RefusedPrefix, StringComparison.Ordinal);
                        result.Outcome = refused ? DeliveryOutcome.Rejected : DeliveryOutcome.Duplicate;
                        if (refused)
                        {
                            result.ErrorReason = System.Enum.GetValues<ErrorReason>().FirstOrDefault(
                                value => ProtoEnumNames.Of(value) == earlier[RefusedPrefix.Length..], ErrorReason.InvalidField);
                            result.ErrorDetail = "refused before: " + earlier[RefusedPrefix.Length..];
                        }
                    }
                    else
                    {
                        Apply(write, cso, kind, entry, result, now);
                        received.RecordDelivery(
                            write,
                            sender,
                            result.DeliveryId,
                            result.Outcome == DeliveryOutcome.Rejected ? RefusedPrefix + ProtoEnumNames.Of(result.ErrorReason) : ProtoEnumNames.Of(result.Outcome),
                            now);
                    }

                    response.Results.Add(result);
                }

                return response;
            },
            context.CancellationToken);
    }

    private void Apply(WriteContext write, PartyIdentity cso, string kind, Entry entry, DeliveryResult result, DateTimeOffset now)
    {
        try
        {
            entry.Validate();
            if (entry.Version == 0 || entry.Version != entry.Delivery!.EntityVersion)
            {
                throw RoamingErrors.InvalidField("version", ErrorReason.InvalidField, "must be positive and equal delivery.entity_version");
            }
        }
        catch (RoamingException ex)
        {
            // A refused entry is answered, not thrown: the rest of the batch still applies.
            result.Outcome = DeliveryOutcome.Rejected;
            result.ErrorReason = ex.Reason;
            result.ErrorDetail = ex.Message;
            return;
        }

        var held = received.VersionOf(write, cso.PartyId, kind, entry.RecordId);
        if (held is { } version && version >= (long)entry.Version)
        {
            result.Outcome = DeliveryOutcome.Superseded;
            return;
        }

        received.Save(
            write,
            new ReceivedRecord(cso.PartyId, kind, entry.RecordId, (long)entry.Version, entry.UpdateTime?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? 0, entry.Removed ? 1 : 0, entry.Record!.ToByteArray()),
            now);
        result.Outcome = DeliveryOutcome.Applied;
    }

    /// <summary>One pushed entry, whatever its kind.</summary>
    private sealed record Entry(Delivery? Delivery, string RecordId, ulong Version, bool Removed, Timestamp? UpdateTime, IMessage? Record, Action Validate);
}
