using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Interceptors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.PartnerData;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Services;

/// <summary>
/// The CSP's receiver of CSO pushes. Live: UC1-2 sites. Each entry applies once (deduplicated by delivery id)
/// and only if it is newer than what is held (per-site version); a CSO can only write its own sites. Every
/// other RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE until its use case is implemented.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class CsoUpdateServiceImpl(
    IPartnerSiteRepository partnerSites,
    IdempotentWriter writer,
    TimeProvider clock) : CsoUpdateService.CsoUpdateServiceBase
{
    /// <summary>Most entries in one push.</summary>
    public const int MaxBatch = 500;

    public override Task<PushSiteUpdatesResponse> PushSiteUpdates(PushSiteUpdatesRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var requestId = RequestFields.RequestId(request.RequestId);
        if (request.Updates.Count is 0 or > MaxBatch)
        {
            throw RoamingErrors.InvalidField("updates", ErrorReason.BatchTooLarge, $"must hold 1 to {MaxBatch} entries (was {request.Updates.Count})");
        }

        for (var i = 0; i < request.Updates.Count; i++)
        {
            RequestFields.RequestId(request.Updates[i].Delivery?.DeliveryId, $"updates[{i}].delivery.delivery_id");
        }

        var sender = caller.ToString();
        return writer.ExecuteAsync(
            caller,
            context.Method,
            requestId,
            request,
            PushSiteUpdatesResponse.Parser,
            write =>
            {
                var response = new PushSiteUpdatesResponse();
                var now = clock.GetUtcNow();
                foreach (var update in request.Updates)
                {
                    var deliveryId = update.Delivery.DeliveryId;
                    var result = new DeliveryResult { DeliveryId = deliveryId };
                    if (partnerSites.DeliveryOutcome(write, sender, deliveryId) is not null)
                    {
                        result.Outcome = DeliveryOutcome.Duplicate;
                        response.Results.Add(result);
                        continue;
                    }

                    Apply(write, caller, update, result, now);
                    partnerSites.RecordDelivery(write, sender, deliveryId, ProtoEnumNames.Of(result.Outcome), now);
                    response.Results.Add(result);
                }

                return response;
            },
            context.CancellationToken);
    }

    private void Apply(WriteContext write, PartyIdentity cso, SiteUpdate update, DeliveryResult result, DateTimeOffset now)
    {
        var site = update.Site;
        try
        {
            if (site is null)
            {
                throw RoamingErrors.MissingField("site");
            }

            if (site.Removed)
            {
                SiteValidator.SiteId(site.SiteId, "site.site_id");
                if (site.OperatorId != cso.PartyId)
                {
                    throw RoamingErrors.PermissionDenied(ErrorReason.PartyMismatch, $"site.operator_id '{site.OperatorId}' is not the caller's operator {cso.PartyId}");
                }
            }
            else
            {
                SiteValidator.Canonical(site, cso);
            }

            if (site.Version == 0 || site.Version != update.Delivery.EntityVersion)
            {
                throw RoamingErrors.InvalidField("site.version", ErrorReason.InvalidField, "must be positive and equal delivery.entity_version");
            }
        }
        catch (RpcException ex)
        {
            // A refused entry is answered, not thrown: the rest of the batch still applies.
            result.Outcome = DeliveryOutcome.Rejected;
            result.ErrorReason = ReasonOf(ex);
            result.ErrorDetail = ex.Status.Detail;
            return;
        }

        var held = partnerSites.VersionOf(write, cso.PartyId, site.SiteId);
        if (held is { } version && version >= (long)site.Version)
        {
            result.Outcome = DeliveryOutcome.Superseded;
            return;
        }

        partnerSites.Save(
            write,
            new ReceivedSite(cso.PartyId, site.SiteId, (long)site.Version, site.UpdateTime?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? 0, site.Removed ? 1 : 0, site.ToByteArray()),
            now);
        result.Outcome = DeliveryOutcome.Applied;
    }

    private static ErrorReason ReasonOf(RpcException error)
    {
        var reason = error.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;
        return System.Enum.GetValues<ErrorReason>().FirstOrDefault(value => RoamingErrors.ReasonName(value) == reason, ErrorReason.InvalidField);
    }
}
