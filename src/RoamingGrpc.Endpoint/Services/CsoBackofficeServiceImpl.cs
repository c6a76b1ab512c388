using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Interceptors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Outbox;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;
using RoamingGrpc.Storage.Tariffs;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Services;

/// <summary>
/// The CSO's local back-office API. Live: site administration (UC1-2 UpsertSite, RemoveSite) and tariffs
/// (UC2-1 UpsertTariff, RemoveTariff), each change queued in the same transaction for every CSP partner that may
/// see it (durable push). Every other RPC of
/// the service answers UNIMPLEMENTED / USE_CASE_NOT_LIVE until its use case is implemented.
/// </summary>
[Callers(CallerPolicy.OwnBackoffice)]
internal sealed class CsoBackofficeServiceImpl(
    ISiteRepository sites,
    ITariffRepository tariffs,
    IEvseStatusStore statuses,
    LogFeed statusFeed,
    IOutbox outbox,
    OutboxSignal outboxSignal,
    PartnerDirectory partners,
    IdempotentWriter writer,
    EndpointSettings endpoint,
    TimeProvider clock) : CsoBackofficeService.CsoBackofficeServiceBase
{
    public override async Task<UpsertSiteResponse> UpsertSite(UpsertSiteRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var site = SiteValidator.Canonical(request.Site, endpoint.Identity);
        var evseIds = site.Evses.Select(evse => evse.EvseId).ToList();
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            UpsertSiteResponse.Parser,
            write =>
            {
                for (var i = 0; i < evseIds.Count; i++)
                {
                    var owner = sites.SiteOfEvse(write, evseIds[i]);
                    if (owner is not null && owner != site.SiteId)
                    {
                        throw RoamingErrors.Create(
                            StatusCode.AlreadyExists,
                            ErrorReason.InvalidField,
                            $"site.evses[{i}].evse_id: EVSE {evseIds[i]} belongs to site '{owner}'; remove it there first.",
                            [new("field", $"site.evses[{i}].evse_id"), new("site_id", owner)]);
                    }
                }

                var existing = sites.Find(write, site.SiteId);
                if (existing is { Removed: false } && Unchanged(existing, site))
                {
                    return new UpsertSiteResponse { Site = Site.Parser.ParseFrom(existing.Payload) };
                }

                var stored = Stamp(site, existing, removed: false);
                sites.Save(write, Row(write, stored), evseIds);
                Publish(write, stored);
                return new UpsertSiteResponse { Site = stored };
            },
            context.CancellationToken).ConfigureAwait(false);
        outboxSignal.Ring();
        return response;
    }

    public override async Task<RemoveSiteResponse> RemoveSite(RemoveSiteRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var siteId = SiteValidator.SiteId(request.SiteId, "site_id");
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            RemoveSiteResponse.Parser,
            write =>
            {
                var existing = sites.Find(write, siteId)
                    ?? throw RoamingErrors.Create(StatusCode.NotFound, ErrorReason.UnknownSite, $"Site '{siteId}' does not exist.", [new("site_id", siteId)]);
                if (existing.Removed)
                {
                    return new RemoveSiteResponse { Site = Site.Parser.ParseFrom(existing.Payload) };
                }

                var tombstone = Stamp(new Site { SiteId = siteId, OperatorId = endpoint.Identity.PartyId, CountryCode = existing.CountryCode }, existing, removed: true);
                sites.Save(write, Row(write, tombstone), []);
                Publish(write, tombstone);
                return new RemoveSiteResponse { Site = tombstone };
            },
            context.CancellationToken).ConfigureAwait(false);
        outboxSignal.Ring();
        return response;
    }

    /// <summary>Most status changes in one report.</summary>
    public const int MaxStatusBatch = 1000;

    public override async Task<ReportEvseStatusResponse> ReportEvseStatus(ReportEvseStatusRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        if (request.Statuses.Count is 0 or > MaxStatusBatch)
        {
            throw RoamingErrors.InvalidField("statuses", ErrorReason.BatchTooLarge, $"must hold 1 to {MaxStatusBatch} entries (was {request.Statuses.Count})");
        }

        var changes = request.Statuses.Select((status, i) => StatusValidator.Change(status, $"statuses[{i}]", endpoint.Identity)).ToList();
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            ReportEvseStatusResponse.Parser,
            write =>
            {
                var sitesOfEvses = new string[changes.Count];
                for (var i = 0; i < changes.Count; i++)
                {
                    sitesOfEvses[i] = sites.SiteOfEvse(write, changes[i].EvseId)
                        ?? throw RoamingErrors.Create(
                            StatusCode.NotFound,
                            ErrorReason.UnknownEvse,
                            $"statuses[{i}].evse_id: EVSE {changes[i].EvseId} is not on any site of {endpoint.Identity.PartyId}; publish its site first.",
                            [new("field", $"statuses[{i}].evse_id"), new("evse_id", changes[i].EvseId)]);
                }

                var result = new ReportEvseStatusResponse();
                var now = clock.GetUtcNow();
                for (var i = 0; i < changes.Count; i++)
                {
                    var (evseId, status, changeTime) = changes[i];
                    var current = statuses.Current(write, evseId);
                    if (current is not null && (changeTime < current.ChangeTime || status == current.Status))
                    {
                        result.IgnoredCount++;
                        continue;
                    }

                    statuses.Append(write, evseId, sitesOfEvses[i], status, changeTime, now);
                    result.AppliedCount++;
                }

                return result;
            },
            context.CancellationToken).ConfigureAwait(false);
        if (response.AppliedCount > 0)
        {
            statusFeed.Notify();
        }

        return response;
    }

    public override async Task<UpsertTariffResponse> UpsertTariff(UpsertTariffRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var tariff = TariffValidator.Canonical(request.Tariff, endpoint.Identity);
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            UpsertTariffResponse.Parser,
            write =>
            {
                var existing = tariffs.Find(write, tariff.TariffId);
                if (existing is not null && existing.TargetProvider != NullIfEmpty(tariff.TargetProviderId))
                {
                    // Also after removal: the old audience must keep seeing this id's tombstone in its deltas.
                    throw RoamingErrors.Create(
                        StatusCode.FailedPrecondition,
                        ErrorReason.WrongState,
                        $"tariff.target_provider_id: tariff id '{tariff.TariffId}' is (or was) for {existing.TargetProvider ?? "every CSP"}; use a new tariff id for another audience.",
                        [new("field", "tariff.target_provider_id")]);
                }

                if (existing is { Removed: false } && WithoutStamps(Tariff.Parser.ParseFrom(existing.Payload)).Equals(WithoutStamps(tariff)))
                {
                    return new UpsertTariffResponse { Tariff = Tariff.Parser.ParseFrom(existing.Payload) };
                }

                var stored = tariff.Clone();
                stored.Version = (ulong)((existing?.Version ?? 0) + 1);
                stored.UpdateTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
                SaveTariff(write, stored);
                return new UpsertTariffResponse { Tariff = stored };
            },
            context.CancellationToken).ConfigureAwait(false);
        outboxSignal.Ring();
        return response;
    }

    public override async Task<RemoveTariffResponse> RemoveTariff(RemoveTariffRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var tariffId = TariffValidator.TariffId(request.TariffId, "tariff_id");
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            RemoveTariffResponse.Parser,
            write =>
            {
                var existing = tariffs.Find(write, tariffId)
                    ?? throw RoamingErrors.Create(StatusCode.NotFound, ErrorReason.UnknownTariff, $"Tariff '{tariffId}' does not exist.", [new("tariff_id", tariffId)]);
                if (existing.Removed)
                {
                    return new RemoveTariffResponse { Tariff = Tariff.Parser.ParseFrom(existing.Payload) };
                }

                var tombstone = new Tariff
                {
                    TariffId = tariffId,
                    OperatorId = endpoint.Identity.PartyId,
                    TargetProviderId = existing.TargetProvider ?? string.Empty,
                    Version = (ulong)(existing.Version + 1),
                    UpdateTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()),
                    Removed = true,
                };
                SaveTariff(write, tombstone);
                return new RemoveTariffResponse { Tariff = tombstone };
            },
            context.CancellationToken).ConfigureAwait(false);
        outboxSignal.Ring();
        return response;
    }

    private static Tariff WithoutStamps(Tariff tariff)
    {
        var content = tariff.Clone();
        content.Version = 0;
        content.UpdateTime = null;
        return content;
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    // A tariff goes to the CSPs that may see it: every CSP partner, or only its target.
    private void SaveTariff(WriteContext write, Tariff tariff)
    {
        var target = NullIfEmpty(tariff.TargetProviderId);
        tariffs.Save(write, new TariffRow(
            tariff.TariffId,
            (long)tariff.Version,
            0,
            tariff.UpdateTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
            tariff.Removed ? 1 : 0,
            target,
            tariff.ToByteArray()));
        Publish(write, OutboxRelay.TariffKind, tariff.TariffId, tariff.Version, tariff, partner => target is null || partner.PartyId == target);
    }

    // Sites are published to every CSP partner: queued in the same transaction as the change (durable push).
    private void Publish(WriteContext write, Site site) =>
        Publish(write, OutboxRelay.SiteKind, site.SiteId, site.Version, site, _ => true);

    private void Publish(WriteContext write, string kind, string id, ulong version, IMessage record, Func<PartyIdentity, bool> audience)
    {
        var payload = record.ToByteArray();
        var now = clock.GetUtcNow();
        foreach (var partner in partners.All.Where(partner => partner.Identity.Role == PartyRole.Csp && audience(partner.Identity)))
        {
            outbox.Enqueue(write, partner.Identity.ToString(), kind, id, (long)version, payload, now);
        }
    }

    private static bool Unchanged(SiteRow existing, Site site) =>
        WithoutStamps(Site.Parser.ParseFrom(existing.Payload)).Equals(WithoutStamps(site));

    // The site's content, without what the endpoint stamps on each write.
    private static Site WithoutStamps(Site site)
    {
        var content = site.Clone();
        content.Version = 0;
        content.UpdateTime = null;
        foreach (var evse in content.Evses)
        {
            evse.UpdateTime = null;
            foreach (var connector in evse.Connectors)
            {
                connector.UpdateTime = null;
            }
        }

        return content;
    }

    private Site Stamp(Site site, SiteRow? existing, bool removed)
    {
        var now = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        var stamped = site.Clone();
        stamped.Version = (ulong)((existing?.Version ?? 0) + 1);
        stamped.UpdateTime = now;
        stamped.Removed = removed;
        foreach (var evse in stamped.Evses)
        {
            evse.UpdateTime = now;
            foreach (var connector in evse.Connectors)
            {
                connector.UpdateTime = now;
            }
        }

        return stamped;
    }

    private SiteRow Row(WriteContext write, Site site) => new(
        site.SiteId,
        (long)site.Version,
        sites.NextChangeSeq(write),
        site.UpdateTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
        site.Removed ? 1 : 0,
        site.CountryCode,
        site.ToByteArray());
}
