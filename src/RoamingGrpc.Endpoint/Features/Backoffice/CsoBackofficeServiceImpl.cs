using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Authorization;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Support;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Outbox;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;
using RoamingGrpc.Storage.Support;
using RoamingGrpc.Storage.Tariffs;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Backoffice;

/// <summary>
/// The CSO's local back-office API. Live: site administration (UC1-2 UpsertSite, RemoveSite), EVSE status (UC1-3),
/// tariffs (UC2-1 UpsertTariff, RemoveTariff), and the station side of charging (UC3-1 to UC3-6, UC3-9): presented
/// tokens, session events, meter values, the command stream and command outcomes, SDR corrections, the CSO's charge
/// plan overrides (UC3-10), maintenance notices (UC5-1) and the unlock audit (UC5-2, UC5-3). Each change is queued in
/// the same transaction for the CSP partners that may see it (durable push, change logs).
/// </summary>
[Callers(CallerPolicy.OwnBackoffice)]
internal sealed class CsoBackofficeServiceImpl(
    ISiteRepository sites,
    ITariffRepository tariffs,
    IEvseStatusStore statuses,
    PushQueue pushes,
    IdempotentWriter writer,
    SessionDesk desk,
    SessionBilling billing,
    TokenAuthorizer authorizer,
    ISessionStore sessions,
    ICommandStore commands,
    ISdrStore sdrs,
    MaintenanceDesk maintenance,
    IUnlockRequestLog unlockAudit,
    ChargePlanDesk chargePlans,
    CommitNotifier notifier,
    IOptions<RoamingEndpointOptions> options,
    IHostApplicationLifetime lifetime,
    EndpointSettings endpoint,
    TimeProvider clock) : CsoBackofficeService.CsoBackofficeServiceBase
{
    /// <summary>Most meter values in one report.</summary>
    public const int MaxMeterValues = 100;

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
                            ErrorKind.AlreadyExists,
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
                    ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSite, $"Site '{siteId}' does not exist.", [new("site_id", siteId)]);
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
                // One query each for the batch's sites, maintenance holds and current statuses; per change only the
                // log entry and the current status are written.
                var evseIds = changes.Select(change => change.EvseId).Distinct(StringComparer.Ordinal).ToList();
                var sitesOfEvses = sites.SitesOfEvses(write, evseIds);
                for (var i = 0; i < changes.Count; i++)
                {
                    if (!sitesOfEvses.ContainsKey(changes[i].EvseId))
                    {
                        throw RoamingErrors.Create(
                            ErrorKind.NotFound,
                            ErrorReason.UnknownEvse,
                            $"statuses[{i}].evse_id: EVSE {changes[i].EvseId} is not on any site of {endpoint.Identity.PartyId}; publish its site first.",
                            [new("field", $"statuses[{i}].evse_id"), new("evse_id", changes[i].EvseId)]);
                    }
                }

                var held = maintenance.Held(write, evseIds);
                var latest = statuses.CurrentOf(write, evseIds).ToDictionary(entry => entry.Key, entry => (entry.Value.Status, entry.Value.ChangeTime), StringComparer.Ordinal);
                var result = new ReportEvseStatusResponse();
                var now = clock.GetUtcNow();
                foreach (var (evseId, status, changeTime) in changes)
                {
                    if (held.Contains(evseId) && maintenance.TakeStationStatus(write, evseId, status, changeTime) is { } taken)
                    {
                        // A maintenance notice holds the EVSE (UC5-1): this is the status it returns to when the notice ends.
                        if (taken)
                        {
                            result.AppliedCount++;
                        }
                        else
                        {
                            result.IgnoredCount++;
                        }

                        continue;
                    }

                    if (latest.TryGetValue(evseId, out var current) && (changeTime < current.ChangeTime || status == current.Status))
                    {
                        result.IgnoredCount++;
                        continue;
                    }

                    statuses.Append(write, evseId, sitesOfEvses[evseId], status, changeTime, now);
                    latest[evseId] = (status, changeTime);
                    result.AppliedCount++;
                }

                return result;
            },
            context.CancellationToken).ConfigureAwait(false);

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
                        ErrorKind.WrongState,
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
                    ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownTariff, $"Tariff '{tariffId}' does not exist.", [new("tariff_id", tariffId)]);
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
        return response;
    }

    public override async Task<PresentTokenResponse> PresentToken(PresentTokenRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var evseId = StatusValidator.EvseIdOf(request.EvseId, "evse_id", endpoint.Identity);
        if (request.IdentificationMethod == IdentificationMethod.Unspecified || !System.Enum.IsDefined(request.IdentificationMethod))
        {
            throw RoamingErrors.InvalidField("identification_method", ErrorReason.MissingField, "must be one of the IDENTIFICATION_METHOD values (not UNSPECIFIED)");
        }

        TokenRef token;
        string? certificate = null;
        switch (request.CredentialCase)
        {
            case PresentTokenRequest.CredentialOneofCase.Token:
                token = TokenRefValidator.Canonical(request.Token, "token", provider: null);
                break;
            case PresentTokenRequest.CredentialOneofCase.ContractCertificatePem:
                // UC3-3: the EMAID comes from the vehicle's contract certificate; its provider part names the home-CSP.
                var emaid = ContractCertificate.PresentedEmaid(request.ContractCertificatePem, "contract_certificate_pem", clock.GetUtcNow());
                token = new TokenRef { Uid = emaid.ToString(), Type = TokenType.Emaid, ContractId = emaid.ToString(), ProviderId = emaid.Provider.ToString() };
                certificate = request.ContractCertificatePem;
                break;
            default:
                throw RoamingErrors.InvalidField("credential", ErrorReason.MissingField, "set token (RFID, PIN...) or contract_certificate_pem (Plug and Charge)");
        }

        // The home-CSP is asked first (outside the write transaction: the writer never waits on the network); it
        // answers a retried request_id with the same decision, so the whole call stays idempotent.
        var decision = await authorizer.AuthorizeAsync(token, request.IdentificationMethod, evseId, request.ConnectorId.Length > 0 ? request.ConnectorId : null, certificate, requestId, context.CancellationToken).ConfigureAwait(false);
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            PresentTokenResponse.Parser,
            write =>
            {
                var answer = new PresentTokenResponse
                {
                    Status = decision.Status,
                    AuthorizationMethod = decision.Method,
                    AuthorizationReference = decision.AuthorizationReference,
                    Limits = decision.Limits,
                    Info = { decision.Info },
                };
                if (decision.Status == AuthorizationStatus.Allowed)
                {
                    var sessionToken = token.Clone();
                    sessionToken.ProviderId = decision.ProviderId;
                    if (decision.Token is { } record)
                    {
                        sessionToken.ContractId = record.ContractId;
                    }

                    answer.Session = desk.Start(write, new PendingStart(
                        decision.ProviderId,
                        sessionToken,
                        evseId,
                        request.ConnectorId,
                        request.IdentificationMethod,
                        decision.Method,
                        decision.AuthorizationReference,
                        requestId,
                        Remote: false,
                        null)).Session;
                }

                return answer;
            },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task<ReportSessionEventResponse> ReportSessionEvent(ReportSessionEventRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        RequestFields.LocalId(request.SessionId, "session_id");
        if (request.Type == SessionEventType.Unspecified || !System.Enum.IsDefined(request.Type))
        {
            throw RoamingErrors.InvalidField("type", request.Type == SessionEventType.Unspecified ? ErrorReason.MissingField : ErrorReason.InvalidField, "must be one of the SESSION_EVENT_TYPE values (not UNSPECIFIED)");
        }

        if (request.EventTime is null)
        {
            throw RoamingErrors.MissingField("event_time");
        }

        if (request.HasEnergyKwh && (!double.IsFinite(request.EnergyKwh) || request.EnergyKwh < 0))
        {
            throw RoamingErrors.InvalidField("energy_kwh", ErrorReason.InvalidField, "must be a non-negative number of kWh");
        }

        var ends = request.Type is SessionEventType.Stopped or SessionEventType.StartFailed;
        if (request.Type == SessionEventType.Stopped && !request.HasEnergyKwh)
        {
            throw RoamingErrors.MissingField("energy_kwh");
        }

        if (ends && (request.StopReason == StopReason.Unspecified || !System.Enum.IsDefined(request.StopReason)))
        {
            throw RoamingErrors.InvalidField("stop_reason", ErrorReason.MissingField, "is required when the session ends (STOPPED, START_FAILED)");
        }

        if (request.CommandId.Length > 0)
        {
            RequestFields.LocalId(request.CommandId, "command_id");
        }

        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            ReportSessionEventResponse.Parser,
            write => new ReportSessionEventResponse { Session = desk.Apply(write, request) },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task<ReportMeterValuesResponse> ReportMeterValues(ReportMeterValuesRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        if (request.Values.Count is 0 or > MaxMeterValues)
        {
            throw RoamingErrors.InvalidField("values", ErrorReason.BatchTooLarge, $"must hold 1 to {MaxMeterValues} entries (was {request.Values.Count})");
        }

        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            ReportMeterValuesResponse.Parser,
            write => new ReportMeterValuesResponse { ChargingInfo = desk.Meter(write, sessionId, request.Values) },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task<OverrideChargePlanResponse> OverrideChargePlan(OverrideChargePlanRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var reason = ChargePlanValidator.OverrideReason(request.Reason, "reason");
        var detail = ChargePlanValidator.ReasonDetail(request.ReasonDetail, "reason_detail");
        var spec = request.Spec is null ? null : ChargePlanValidator.Spec(request.Spec, "spec");
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            OverrideChargePlanResponse.Parser,
            write => new OverrideChargePlanResponse { ChargePlan = chargePlans.Override(write, sessionId, spec, reason, detail) },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task WatchStationCommands(WatchStationCommandsRequest request, IServerStreamWriter<WatchStationCommandsResponse> responseStream, ServerCallContext context)
    {
        var siteIds = request.SiteIds.Select((site, i) => SiteValidator.SiteId(site, $"site_ids[{i}]")).ToHashSet(StringComparer.Ordinal);
        var evseIds = request.EvseIds.Select((evse, i) => StatusValidator.EvseIdOf(evse, $"evse_ids[{i}]", endpoint.Identity)).ToHashSet(StringComparer.Ordinal);
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var sent = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            while (true)
            {
                var next = notifier.Next(StoreChanges.StationCommands); // taken before reading: no command opened in between is missed
                var open = await commands.OpenAsync(stream.Token).ConfigureAwait(false);
                foreach (var row in open)
                {
                    var command = StationCommand.Parser.ParseFrom(row.Payload);
                    var wanted = (siteIds.Count == 0 && evseIds.Count == 0) || siteIds.Contains(command.SiteId) || evseIds.Contains(command.EvseId);
                    if (wanted && sent.Add(command.CommandId))
                    {
                        await responseStream.WriteAsync(new WatchStationCommandsResponse { Command = command }, stream.Token).ConfigureAwait(false);
                    }
                }

                sent.IntersectWith(open.Select(row => row.CommandId)); // closed commands are never open again
                await Task.WhenAny(next, Task.Delay(options.Value.Delivery.PollInterval, clock, stream.Token)).ConfigureAwait(false);
                stream.Token.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The back office closed the stream: the call is over.
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The endpoint is shutting down; reconnect to receive the open commands again."));
        }
    }

    public override async Task<ReportCommandResultResponse> ReportCommandResult(ReportCommandResultRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var commandId = RequestFields.LocalId(request.CommandId, "command_id");
        if (request.Result == CommandResultType.Unspecified || !System.Enum.IsDefined(request.Result))
        {
            throw RoamingErrors.InvalidField("result", request.Result == CommandResultType.Unspecified ? ErrorReason.MissingField : ErrorReason.InvalidField, "must be one of the COMMAND_RESULT_TYPE values (not UNSPECIFIED)");
        }

        if (request.Message.Length > 512)
        {
            throw RoamingErrors.InvalidField("message", ErrorReason.InvalidField, "must be at most 512 characters");
        }

        var evseId = request.EvseId.Length > 0 ? StatusValidator.EvseIdOf(request.EvseId, "evse_id", endpoint.Identity) : string.Empty;
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            ReportCommandResultResponse.Parser,
            write => new ReportCommandResultResponse { CommandResult = desk.Report(write, commandId, request.Result, request.Message, evseId) },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task<CorrectSdrResponse> CorrectSdr(CorrectSdrRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sdrId = RequestFields.LocalId(request.SdrId, "sdr_id");
        if (string.IsNullOrWhiteSpace(request.Remark) || request.Remark.Length > 255)
        {
            throw RoamingErrors.InvalidField("remark", string.IsNullOrWhiteSpace(request.Remark) ? ErrorReason.MissingField : ErrorReason.InvalidField, "is required: say why, in at most 255 characters");
        }

        var tariffId = request.TariffId.Length > 0 ? TariffValidator.TariffId(request.TariffId, "tariff_id") : string.Empty;
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            CorrectSdrResponse.Parser,
            write =>
            {
                var row = sdrs.Find(write, sdrId)
                    ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSdr, $"SDR '{sdrId}' does not exist.", [new("sdr_id", sdrId)]);
                var session = sessions.Find(write, row.SessionId)
                    ?? throw new InvalidOperationException($"Session '{row.SessionId}' of SDR '{sdrId}' is missing.");
                return billing.Correct(
                    write,
                    Sdr.Parser.ParseFrom(row.Payload),
                    Session.Parser.ParseFrom(session.Payload),
                    sessions.Readings(write, row.SessionId),
                    request.HasEnergyKwh ? request.EnergyKwh : null,
                    tariffId,
                    request.Remark,
                    clock.GetUtcNow());
            },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task<PublishMaintenanceNoticeResponse> PublishMaintenanceNotice(PublishMaintenanceNoticeRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var notice = MaintenanceValidator.Canonical(request.MaintenanceNotice, endpoint.Identity, clock.GetUtcNow());
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            PublishMaintenanceNoticeResponse.Parser,
            write => new PublishMaintenanceNoticeResponse { MaintenanceNotice = maintenance.Publish(write, notice) },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    public override async Task<EndMaintenanceNoticeResponse> EndMaintenanceNotice(EndMaintenanceNoticeRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var noticeId = RequestFields.LocalId(request.MaintenanceNoticeId, "maintenance_notice_id");
        DateTimeOffset? endTime = request.EndTime is null ? null : MaintenanceValidator.Time(request.EndTime, "end_time");
        var response = await writer.ExecuteAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            EndMaintenanceNoticeResponse.Parser,
            write => new EndMaintenanceNoticeResponse { MaintenanceNotice = maintenance.End(write, noticeId, endTime) },
            context.CancellationToken).ConfigureAwait(false);
        return response;
    }

    /// <summary>Largest page of the unlock audit.</summary>
    public const int MaxUnlockPage = 1000;

    public override async Task<ListUnlockRequestsResponse> ListUnlockRequests(ListUnlockRequestsRequest request, ServerCallContext context)
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
        var response = new ListUnlockRequestsResponse { UnlockRequests = { page.Select(UnlockDesk.ToProto) } };
        if (rows.Count > pageSize)
        {
            response.NextPageToken = Paging.EncodeCursor($"{filters}|{page[^1].AuditId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

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
        pushes.ToCsps(write, PushKinds.Tariff, tariff, partner => target is null || partner.PartyId == target);
    }

    // Sites are published to every CSP partner: queued in the same transaction as the change (durable push).
    private void Publish(WriteContext write, Site site) => pushes.ToCsps(write, PushKinds.Site, site);

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
