using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// UC3-2 remote start (optionally with a charge plan, UC3-7, or on a reservation, UC3-8), UC3-4 remote stop, UC3-6
/// charging information, and session reads (UC3-1, UC3-3, UC3-5), hosted by the visited-CSO for registered CSPs. A CSP
/// only ever sees and commands its own sessions; another CSP's session is NOT_FOUND / UNKNOWN_SESSION. Commands answer
/// at once (accepted with a command_id, or refused with a reason); the station's outcome follows on WatchChargingInfo
/// and by durable push.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class ChargingServiceImpl(
    StartAdmission admission,
    SessionCommands sessionCommands,
    StationCommands commands,
    CommitNotifier notifier,
    ISessionStore sessions,
    IdempotentWriter writer,
    EndpointSettings endpoint,
    IOptions<StreamOptions> streamOptions,
    IHostApplicationLifetime lifetime,
    Observability.RoamingMetrics metrics,
    TimeProvider clock) : ChargingService.ChargingServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<StartSessionResponse> StartSession(StartSessionRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var provider = context.Caller().PartyId;
        var token = TokenRefValidator.Canonical(request.Token, "token", provider);
        var evseId = StatusValidator.EvseIdOf(request.EvseId, "evse_id", endpoint.Identity);
        var reservationId = request.ReservationId.Length > 0 ? RequestFields.LocalId(request.ReservationId, "reservation_id") : string.Empty;

        var chargePlan = request.ChargePlan is null ? null : ChargePlanValidator.Spec(request.ChargePlan, "charge_plan");
        var response = await writer.OnceAsync(context, requestId, request, StartSessionResponse.Parser, write =>
            {
                var (session, command) = admission.Start(write, new PendingStart(
                    provider,
                    token,
                    evseId,
                    request.ConnectorId,
                    request.IdentificationMethod == IdentificationMethod.Unspecified ? IdentificationMethod.QrApp : request.IdentificationMethod,
                    AuthorizationMethod.Command,
                    request.AuthorizationReference,
                    requestId,
                    Remote: true,
                    chargePlan,
                    reservationId));
                return new StartSessionResponse { CommandId = command!.CommandId, Session = session, ResultTimeout = commands.ResultTimeout };
            }).ConfigureAwait(false);
        return response;
    }

    public override async Task<StopSessionResponse> StopSession(StopSessionRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var response = await writer.OnceAsync(context, requestId, request, StopSessionResponse.Parser, write =>
            {
                var (session, command) = sessionCommands.Stop(write, context.Caller().PartyId, sessionId, requestId);
                return new StopSessionResponse { CommandId = command.CommandId, Session = session, ResultTimeout = commands.ResultTimeout };
            }).ConfigureAwait(false);
        return response;
    }

    public override async Task<GetSessionResponse> GetSession(GetSessionRequest request, ServerCallContext context)
    {
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var row = await sessions.GetAsync(sessionId, context.CancellationToken).ConfigureAwait(false);
        return row is not null && row.Provider == context.Caller().PartyId
            ? new GetSessionResponse { Session = Session.Parser.ParseFrom(row.Payload) }
            : throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSession, $"Session '{sessionId}' does not exist.", [new("session_id", sessionId)]);
    }

    public override async Task<ListSessionsResponse> ListSessions(ListSessionsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        long? updatedSince = RequestFields.UnixMilliseconds(request.UpdatedSince, "updated_since");
        var states = RequestFields.EnumFilter(request.States, "states");
        var cursor = ListingCursor.Start(request.PageToken, ListingCursor.FiltersOf(updatedSince, string.Join('+', states)), clock.GetUtcNow());
        // The log head is read before the page: a change after it is both on a later page or delta and in the stream.
        var sequence = await sessions.LatestSequenceAsync(context.CancellationToken).ConfigureAwait(false);
        var rows = await sessions.ListAsync(
            new SessionPageQuery(context.Caller().PartyId, updatedSince, states, cursor.AfterId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var (page, nextPageToken) = cursor.Cut(rows, pageSize, updatedSince is not null, row => row.SessionId, row => row.ChangeSeq);
        var response = new ListSessionsResponse
        {
            Sessions = { page.Select(row => Session.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
            Sequence = (ulong)sequence,
            NextPageToken = nextPageToken,
        };

        return response;
    }

    public override async Task WatchChargingInfo(
        IAsyncStreamReader<WatchChargingInfoRequest> requestStream,
        IServerStreamWriter<WatchChargingInfoResponse> responseStream,
        ServerCallContext context)
    {
        await StreamLifetime.RunAsync(context, lifetime, token =>
            new LogStreamSession<WatchChargingInfoRequest, WatchChargingInfoResponse, ChargingInfoEntry>(
                sessions, new ChargingInfoProtocol(sessions, context.Caller().PartyId), notifier, StoreChanges.ChargingLog, streamOptions.Value, metrics, context.Caller().ToString(), clock, requestStream, responseStream, token)
                .RunAsync()).ConfigureAwait(false);
    }

}
