using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Sites;
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
using RoamingGrpc.Storage.Reservations;

namespace RoamingGrpc.Endpoint.Features.Reservations;

/// <summary>
/// UC3-8 reservations, hosted by the visited-CSO for registered CSPs. CreateReservation and CancelReservation are
/// commands: they answer at once (accepted with a command_id, or refused with a reason), the station executes them
/// (WatchStationCommands) and their outcome follows on WatchChargingInfo and by durable push; every reservation
/// version is pushed as well (CsoUpdateService.PushReservationUpdates), which is how expiry reaches the CSP. A CSP
/// only ever sees and cancels its own reservations; another CSP's is NOT_FOUND / UNKNOWN_RESERVATION.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class ReservationServiceImpl(
    ReservationLifecycle reservations,
    EvseLocator evses,
    StationCommands commands,
    IReservationStore store,
    IdempotentWriter writer,
    EndpointSettings endpoint,
    TimeProvider clock) : ReservationService.ReservationServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<CreateReservationResponse> CreateReservation(CreateReservationRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var provider = context.Caller().PartyId;
        var token = TokenRefValidator.Canonical(request.Token, "token", provider);
        string? evseId = null;
        string? siteId = null;
        switch (request.TargetCase)
        {
            case CreateReservationRequest.TargetOneofCase.EvseId:
                evseId = StatusValidator.EvseIdOf(request.EvseId, "evse_id", endpoint.Identity);
                break;
            case CreateReservationRequest.TargetOneofCase.SiteId:
                siteId = SiteValidator.SiteId(request.SiteId, "site_id");
                if (request.ConnectorId.Length > 0)
                {
                    throw RoamingErrors.InvalidField("connector_id", ErrorReason.InvalidField, "is only for a reservation of one EVSE (evse_id); a site-wide reservation holds a whole EVSE");
                }

                break;
            default:
                throw RoamingErrors.InvalidField("target", ErrorReason.MissingField, "set evse_id (one EVSE) or site_id (any suitable EVSE of the site)");
        }

        if (request.ConnectorId.Length > 0)
        {
            RequestFields.LocalId(request.ConnectorId, "connector_id");
        }

        if (request.ExpiryTime is null)
        {
            throw RoamingErrors.MissingField("expiry_time");
        }

        if (request.AuthorizationReference.Length > 0)
        {
            RequestFields.LocalId(request.AuthorizationReference, "authorization_reference");
        }

        var expiry = RequestFields.Time(request.ExpiryTime, "expiry_time");
        var response = await writer.OnceAsync(context, requestId, request, CreateReservationResponse.Parser, write =>
            {
                var location = evseId is null ? null : evses.Locate(write, evseId, request.ConnectorId, "evse_id");
                var (reservation, station) = reservations.Create(write, new NewReservation(provider, token, location, siteId, expiry, request.AuthorizationReference, requestId));
                var command = commands.Open(write, provider, station);
                return new CreateReservationResponse { CommandId = command.CommandId, Reservation = reservation, ResultTimeout = commands.ResultTimeout };
            }).ConfigureAwait(false);
        return response;
    }

    public override async Task<CancelReservationResponse> CancelReservation(CancelReservationRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var reservationId = RequestFields.LocalId(request.ReservationId, "reservation_id");
        var provider = context.Caller().PartyId;
        var response = await writer.OnceAsync(context, requestId, request, CancelReservationResponse.Parser, write =>
            {
                var (reservation, station, commandId) = reservations.Cancel(write, provider, reservationId, requestId);
                if (station is not null)
                {
                    commands.Open(write, provider, station);
                }

                return new CancelReservationResponse { CommandId = commandId, Reservation = reservation, ResultTimeout = commands.ResultTimeout };
            }).ConfigureAwait(false);
        return response;
    }

    public override async Task<GetReservationResponse> GetReservation(GetReservationRequest request, ServerCallContext context)
    {
        var reservationId = RequestFields.LocalId(request.ReservationId, "reservation_id");
        var row = await store.GetAsync(reservationId, context.CancellationToken).ConfigureAwait(false);
        return row is not null && row.Provider == context.Caller().PartyId
            ? new GetReservationResponse { Reservation = Reservation.Parser.ParseFrom(row.Payload) }
            : throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownReservation, $"Reservation '{reservationId}' does not exist.", [new("reservation_id", reservationId)]);
    }

    public override async Task<ListReservationsResponse> ListReservations(ListReservationsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        long? updatedSince = RequestFields.UnixMilliseconds(request.UpdatedSince, "updated_since");
        var states = RequestFields.EnumFilter(request.States, "states");
        var cursor = ListingCursor.Start(request.PageToken, ListingCursor.FiltersOf(updatedSince, string.Join('+', states)), clock.GetUtcNow());
        var rows = await store.ListAsync(
            new ReservationPageQuery(context.Caller().PartyId, updatedSince, states, cursor.AfterId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var (page, nextPageToken) = cursor.Cut(rows, pageSize, updatedSince is not null, row => row.ReservationId, row => row.ChangeSeq);
        var response = new ListReservationsResponse
        {
            Reservations = { page.Select(row => Reservation.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
            NextPageToken = nextPageToken,
        };

        return response;
    }

}
