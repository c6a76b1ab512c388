using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Support;

namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>
/// UC5-1 maintenance notices (pull side) and UC5-2 / UC5-3 emergency cable unlocking, hosted by the visited-CSO for
/// registered CSPs. Every CSP sees every notice. An unlock is a command: accepted with a command_id (the station's
/// UNLOCKED / UNLOCK_FAILED, or TIMEOUT, follows like every command outcome) or refused with a reason; every request
/// that gets past field validation is audited, refused ones included (CsoBackofficeService.ListUnlockRequests).
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class SupportServiceImpl(
    ConnectorUnlocks unlocks,
    StationCommands commands,
    IMaintenanceStore notices,
    IdempotentWriter writer,
    IDatabase database,
    EndpointSettings endpoint,
    TimeProvider clock) : SupportService.SupportServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    /// <summary>Longest unlock reason.</summary>
    public const int MaxReasonLength = 255;

    public override async Task<UnlockConnectorResponse> UnlockConnector(UnlockConnectorRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxReasonLength)
        {
            throw RoamingErrors.InvalidField("reason", string.IsNullOrWhiteSpace(request.Reason) ? ErrorReason.MissingField : ErrorReason.InvalidField, $"is required for the audit log: say why, in at most {MaxReasonLength} characters");
        }

        var target = request.TargetCase switch
        {
            UnlockConnectorRequest.TargetOneofCase.SessionId => new UnlockTarget(RequestFields.LocalId(request.SessionId, "session_id"), string.Empty, string.Empty, string.Empty, string.Empty),
            UnlockConnectorRequest.TargetOneofCase.FailedActivation => FailedActivation(request.FailedActivation),
            _ => throw RoamingErrors.InvalidField("target", ErrorReason.MissingField, "set session_id (UC5-2) or failed_activation (UC5-3)"),
        };
        var provider = context.Caller().PartyId;
        UnlockConnectorResponse response;
        try
        {
            response = await writer.OnceAsync(context, requestId, request, UnlockConnectorResponse.Parser, write =>
                {
                    var command = unlocks.Unlock(write, provider, target, requestId, request.Reason);
                    return new UnlockConnectorResponse { CommandId = command.CommandId, EvseId = command.EvseId, ConnectorId = command.ConnectorId, ResultTimeout = commands.ResultTimeout };
                }).ConfigureAwait(false);
        }
        catch (RoamingException refusal) when (ConnectorUnlocks.IsAudited(refusal))
        {
            // The refused request rolled back; the audit keeps it anyway, then the caller gets the refusal.
            await database.WriteAsync(
                write =>
                {
                    unlocks.Refused(write, provider, requestId, target, request.Reason, refusal);
                    return true;
                },
                context.CancellationToken).ConfigureAwait(false);
            throw;
        }

        return response;
    }

    public override async Task<ListMaintenanceNoticesResponse> ListMaintenanceNotices(ListMaintenanceNoticesRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        var siteId = request.SiteId.Length > 0 ? SiteValidator.SiteId(request.SiteId, "site_id") : null;
        var evseId = request.EvseId.Length > 0 ? StatusValidator.EvseIdOf(request.EvseId, "evse_id", endpoint.Identity) : null;
        long? updatedSince = request.UpdatedSince is null ? null : MaintenanceValidator.Time(request.UpdatedSince, "updated_since").ToUnixTimeMilliseconds();
        // Site ids may hold any printable character: the token carries them hex-encoded.
        var filters = ListingCursor.FiltersOf(updatedSince, request.IncludeEnded, siteId is null ? null : Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(siteId)), evseId);
        var cursor = ListingCursor.Start(request.PageToken, filters, clock.GetUtcNow());
        var rows = await notices.ListAsync(
            new MaintenancePageQuery(updatedSince, request.IncludeEnded, siteId, evseId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).ToList();
        var response = new ListMaintenanceNoticesResponse
        {
            MaintenanceNotices = { page.Select(row => MaintenanceNotice.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
        };
        if (rows.Count > pageSize)
        {
            // Both listings walk the order of changes (update_time), so the cursor is always the change sequence.
            response.NextPageToken = cursor.After(delta: true, page[^1].NoticeId, page[^1].ChangeSeq).Encode();
        }

        return response;
    }

    private UnlockTarget FailedActivation(FailedActivation failed)
    {
        var evseId = StatusValidator.EvseIdOf(failed.EvseId, "failed_activation.evse_id", endpoint.Identity);
        var connectorId = RequestFields.LocalId(failed.ConnectorId, "failed_activation.connector_id");
        return failed.ReferenceCase switch
        {
            Contracts.V1.FailedActivation.ReferenceOneofCase.FailedCommandId =>
                new UnlockTarget(string.Empty, evseId, connectorId, RequestFields.LocalId(failed.FailedCommandId, "failed_activation.failed_command_id"), string.Empty),
            Contracts.V1.FailedActivation.ReferenceOneofCase.AuthorizationReference =>
                new UnlockTarget(string.Empty, evseId, connectorId, string.Empty, RequestFields.LocalId(failed.AuthorizationReference, "failed_activation.authorization_reference")),
            _ => throw RoamingErrors.InvalidField("failed_activation.reference", ErrorReason.MissingField, "set failed_command_id or authorization_reference"),
        };
    }
}
