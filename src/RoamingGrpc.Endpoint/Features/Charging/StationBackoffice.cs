using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Authorization;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The station side of charging in the CSO's back office (<c>CsoBackofficeService</c>): a token presented at the EVSE
/// (UC3-1 with UC4-1 / UC4-2, UC3-3 by contract certificate), the session events and meter values the station reports
/// (UC3-1, UC3-5, UC3-6), the stream of commands partners sent for the stations, and the station's command outcomes.
/// Every mutation runs once per request id.
/// </summary>
internal sealed class StationBackoffice(
    TokenAuthorizer authorizer,
    StartAdmission admission,
    SessionEvents events,
    CommandOutcomes outcomes,
    ICommandStore commands,
    IdempotentWriter writer,
    CommitNotifier notifier,
    EndpointSettings endpoint,
    IOptions<DeliveryOptions> deliveryOptions,
    IHostApplicationLifetime lifetime,
    TimeProvider clock)
{
    /// <summary>Most meter values in one report.</summary>
    public const int MaxMeterValues = 100;

    public async Task<PresentTokenResponse> PresentTokenAsync(PresentTokenRequest request, ServerCallContext context)
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
        var response = await writer.OnceAsync(context, requestId, request, PresentTokenResponse.Parser, write =>
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

                    answer.Session = admission.Start(write, new PendingStart(
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
            }).ConfigureAwait(false);
        return response;
    }

    public async Task<ReportSessionEventResponse> ReportSessionEventAsync(ReportSessionEventRequest request, ServerCallContext context)
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

        var response = await writer.OnceAsync(context, requestId, request, ReportSessionEventResponse.Parser, write => new ReportSessionEventResponse { Session = events.Apply(write, request) }).ConfigureAwait(false);
        return response;
    }

    public async Task<ReportMeterValuesResponse> ReportMeterValuesAsync(ReportMeterValuesRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        if (request.Values.Count is 0 or > MaxMeterValues)
        {
            throw RoamingErrors.InvalidField("values", ErrorReason.BatchTooLarge, $"must hold 1 to {MaxMeterValues} entries (was {request.Values.Count})");
        }

        var response = await writer.OnceAsync(context, requestId, request, ReportMeterValuesResponse.Parser, write => new ReportMeterValuesResponse { ChargingInfo = events.Meter(write, sessionId, request.Values) }).ConfigureAwait(false);
        return response;
    }

    public async Task WatchStationCommandsAsync(WatchStationCommandsRequest request, IServerStreamWriter<WatchStationCommandsResponse> responseStream, ServerCallContext context)
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
                using (var poll = CancellationTokenSource.CreateLinkedTokenSource(stream.Token))
                {
                    await Task.WhenAny(next, Task.Delay(deliveryOptions.Value.PollInterval, clock, poll.Token)).ConfigureAwait(false);
                    await poll.CancelAsync().ConfigureAwait(false); // no timer outlives the wait
                }

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

    public async Task<ReportCommandResultResponse> ReportCommandResultAsync(ReportCommandResultRequest request, ServerCallContext context)
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
        var response = await writer.OnceAsync(context, requestId, request, ReportCommandResultResponse.Parser, write => new ReportCommandResultResponse { CommandResult = outcomes.Report(write, commandId, request.Result, request.Message, evseId) }).ConfigureAwait(false);
        return response;
    }
}
