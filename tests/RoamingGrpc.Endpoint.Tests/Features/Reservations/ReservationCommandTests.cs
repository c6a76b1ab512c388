using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Reservations;

/// <summary>
/// UC3-8 CreateReservation between a real CSO and two real CSPs over mutual TLS: the command's way to the station and
/// back, what the CSO refuses and why, idempotency, and that a CSP never sees another CSP's reservations.
/// </summary>
public sealed class ReservationCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CreateReservation_ReservableEvseStationAccepts_ActiveEvseReservedAndCspInformed()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var expiry = setup.T0.AddMinutes(20);

        var created = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, expiry), deadline: ChargingNetwork.Soon());
        var statusWhilePending = await setup.StatusAsync(ReservationNetwork.EvseId);
        var command = await setup.AnswerAsync(created.CommandId, CommandResultType.Accepted);
        var pushed = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Active }]);
        var results = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var read = await setup.GetAsync(created.Reservation.ReservationId);

        var reservation = created.Reservation;
        Assert.Equal((ReservationState.Pending, 1UL, "DE*ABC", "DE-8EO"), (reservation.State, reservation.Version, reservation.OperatorId, reservation.ProviderId));
        Assert.Equal((ReservationNetwork.EvseId, ReservationNetwork.SiteId, expiry, setup.T0), (reservation.EvseId, reservation.SiteId, reservation.ExpiryTime.ToDateTimeOffset(), reservation.CreateTime.ToDateTimeOffset()));
        Assert.Equal((ReservationNetwork.AppUser.Uid, "DE-8EO"), (reservation.Token.Uid, reservation.Token.ProviderId));
        Assert.Equal(created.CommandId, reservation.CommandId);
        Assert.Equal(EvseStatus.Available, statusWhilePending);
        Assert.Equal((CommandType.CreateReservation, reservation.ReservationId, ReservationNetwork.EvseId, expiry), (command.CommandType, command.ReservationId, command.EvseId, command.ExpiryTime.ToDateTimeOffset()));
        Assert.Equal((ReservationState.Active, 2UL), (read.State, read.Version));
        Assert.Equal(read, pushed[0]);
        Assert.Equal((created.CommandId, CommandType.CreateReservation, CommandResultType.Accepted, reservation.ReservationId, "reserve"), (results[0].CommandId, results[0].CommandType, results[0].Result, results[0].ReservationId, results[0].RequestId));
        Assert.Equal(EvseStatus.Reserved, await setup.StatusAsync(ReservationNetwork.EvseId));
        Assert.Empty(read.SessionId); // the network's tariff does not bill reservations: no RESERVED session
    }

    [Fact]
    public async Task CreateReservation_NotReservableUnknownOrTaken_RefusedWithReasonAndNothingReserved()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var expiry = setup.T0.AddMinutes(20);
        var first = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("first", ReservationNetwork.EvseId, expiry), deadline: ChargingNetwork.Soon());
        await setup.Network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "occupy", EvseId = ReservationNetwork.SecondEvseId, Token = ReservationNetwork.OtherUser }, deadline: ChargingNetwork.Soon());

        var notReservable = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("s1", ChargingNetwork.EvseId, expiry), deadline: ChargingNetwork.Soon()));
        var reservedWhilePending = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("again", ReservationNetwork.EvseId, expiry, ReservationNetwork.OtherUser), deadline: ChargingNetwork.Soon()));
        var reservedForOtherCsp = await ReservationNetwork.Refused(setup.OtherReservations.CreateReservationAsync(ReservationNetwork.Create("other", ReservationNetwork.EvseId, expiry, new TokenRef { Uid = "zzz", Type = TokenType.AppUser }), deadline: ChargingNetwork.Soon()));
        var occupied = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("occupied", ReservationNetwork.SecondEvseId, expiry), deadline: ChargingNetwork.Soon()));
        var wholeSite = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site", SiteId = ReservationNetwork.SiteId, Token = ReservationNetwork.AppUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) }, deadline: ChargingNetwork.Soon()));
        var siteWithoutReservable = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site-1", SiteId = ChargingNetwork.SiteId, Token = ReservationNetwork.AppUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) }, deadline: ChargingNetwork.Soon()));
        var unknownSite = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site-9", SiteId = "S9", Token = ReservationNetwork.AppUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) }, deadline: ChargingNetwork.Soon()));
        var unknownEvse = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("nope", "DE*ABC*ENOPE*1", expiry), deadline: ChargingNetwork.Soon()));
        var foreignToken = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(
            ReservationNetwork.Create("foreign", ReservationNetwork.EvseId, expiry, new TokenRef { Uid = "zzz", Type = TokenType.AppUser, ProviderId = "FR-ZZZ" }), deadline: ChargingNetwork.Soon()));
        var listed = await setup.Reservations.ListReservationsAsync(new ListReservationsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.FailedPrecondition, "NOT_RESERVABLE"), notReservable);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), reservedWhilePending);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), reservedForOtherCsp);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_OCCUPIED"), occupied);
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_RESERVED"), wholeSite);
        Assert.Equal((StatusCode.FailedPrecondition, "NOT_RESERVABLE"), siteWithoutReservable);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SITE"), unknownSite);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_EVSE"), unknownEvse);
        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH"), foreignToken);
        Assert.Equal([first.Reservation.ReservationId], listed.Reservations.Select(reservation => reservation.ReservationId));
    }

    [Fact]
    public async Task CreateReservation_ExpiryPastOrBeyondLongestReservation_InvalidExpiryTimeAndLongestAccepted()
    {
        await using var setup = await ReservationNetwork.StartAsync(output, csoSettings: new Dictionary<string, string?> { ["Roaming:Reservations:MaxDuration"] = "00:10:00" });

        var tooLong = await Assert.ThrowsAsync<RpcException>(() => setup.Reservations.CreateReservationAsync(
            ReservationNetwork.Create("long", ReservationNetwork.EvseId, setup.T0.AddMinutes(10).AddMilliseconds(1)), deadline: ChargingNetwork.Soon()).ResponseAsync);
        var past = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("past", ReservationNetwork.EvseId, setup.T0.AddMinutes(-1)), deadline: ChargingNetwork.Soon()));
        var now = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("now", ReservationNetwork.EvseId, setup.T0), deadline: ChargingNetwork.Soon()));
        var missing = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "missing", EvseId = ReservationNetwork.EvseId, Token = ReservationNetwork.AppUser }, deadline: ChargingNetwork.Soon()));
        var longest = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("longest", ReservationNetwork.EvseId, setup.T0.AddMinutes(10)), deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), (tooLong.StatusCode, ChargingNetwork.ReasonOf(tooLong)));
        Assert.StartsWith("expiry_time: is more than 10 min ahead", tooLong.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), past);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), now);
        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD"), missing);
        Assert.Equal((ReservationState.Pending, setup.T0.AddMinutes(10)), (longest.Reservation.State, longest.Reservation.ExpiryTime.ToDateTimeOffset()));
    }

    [Fact]
    public async Task CreateReservation_SameRequestIdTwice_OneReservationAndOneCommand()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var request = ReservationNetwork.Create("same", ReservationNetwork.EvseId, setup.T0.AddMinutes(20));

        var once = await setup.Reservations.CreateReservationAsync(request, deadline: ChargingNetwork.Soon());
        var again = await setup.Reservations.CreateReservationAsync(request, deadline: ChargingNetwork.Soon());
        var reused = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("same", ReservationNetwork.SecondEvseId, setup.T0.AddMinutes(20)), deadline: ChargingNetwork.Soon()));
        var listed = await setup.Reservations.ListReservationsAsync(new ListReservationsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal(once.CommandId, again.CommandId);
        Assert.Equal(once.Reservation, again.Reservation);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), reused);
        Assert.Single(listed.Reservations);
    }

    [Fact]
    public async Task CreateReservation_WholeSite_CsoPicksAFreeReservableEvse()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var expiry = setup.T0.AddMinutes(20);
        await setup.ReserveAsync(ReservationNetwork.Create("first", ReservationNetwork.EvseId, expiry));

        var created = await setup.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site", SiteId = ReservationNetwork.SiteId, Token = ReservationNetwork.OtherUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) },
            deadline: ChargingNetwork.Soon());
        var command = await setup.AnswerAsync(created.CommandId, CommandResultType.Accepted);
        var connectorForSite = await ReservationNetwork.Refused(setup.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site-connector", SiteId = ReservationNetwork.SiteId, ConnectorId = "1", Token = ReservationNetwork.AppUser, ExpiryTime = created.Reservation.ExpiryTime },
            deadline: ChargingNetwork.Soon()));

        Assert.Equal((ReservationNetwork.SecondEvseId, ReservationNetwork.SiteId), (created.Reservation.EvseId, created.Reservation.SiteId));
        Assert.Equal((ReservationNetwork.SecondEvseId, ReservationNetwork.SiteId), (command.EvseId, command.SiteId));
        Assert.Equal(EvseStatus.Reserved, await setup.StatusAsync(ReservationNetwork.SecondEvseId));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), connectorForSite);
    }

    [Fact]
    public async Task ReportCommandResult_StationRefusesReservation_RejectedAndEvseStaysFree()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var created = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)), deadline: ChargingNetwork.Soon());

        await setup.AnswerAsync(created.CommandId, CommandResultType.Rejected);
        var pushed = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Rejected }]);
        var results = await ChargingNetwork.ReceivedAsync(setup.Network.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var cancel = await ReservationNetwork.Refused(setup.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = created.Reservation.ReservationId }, deadline: ChargingNetwork.Soon()));
        var second = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("second", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)), deadline: ChargingNetwork.Soon());

        Assert.Equal(2UL, pushed[0].Version);
        Assert.Equal(CommandResultType.Rejected, results[0].Result);
        Assert.Equal(EvseStatus.Available, await setup.StatusAsync(ReservationNetwork.EvseId));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), cancel);
        Assert.Equal(ReservationState.Pending, second.Reservation.State);
    }

    [Fact]
    public async Task ListReservations_PagesAndDelta_FullByIdAndDeltaOnlyChangedSince()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var first = await setup.ReserveAsync(ReservationNetwork.Create("first", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)));
        var second = await setup.Reservations.CreateReservationAsync(ReservationNetwork.Create("second", ReservationNetwork.SecondEvseId, setup.T0.AddMinutes(20), ReservationNetwork.OtherUser), deadline: ChargingNetwork.Soon());
        setup.Clock.Advance(TimeSpan.FromMinutes(1));
        await setup.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = second.Reservation.ReservationId }, deadline: ChargingNetwork.Soon());

        var page1 = await setup.Reservations.ListReservationsAsync(new ListReservationsRequest { PageSize = 1 }, deadline: ChargingNetwork.Soon());
        var page2 = await setup.Reservations.ListReservationsAsync(new ListReservationsRequest { PageSize = 1, PageToken = page1.NextPageToken }, deadline: ChargingNetwork.Soon());
        var delta = await setup.Reservations.ListReservationsAsync(
            new ListReservationsRequest { UpdatedSince = Timestamp.FromDateTimeOffset(setup.T0.AddSeconds(30)) }, deadline: ChargingNetwork.Soon());
        var otherFilters = await ReservationNetwork.Refused(setup.Reservations.ListReservationsAsync(
            new ListReservationsRequest { PageSize = 1, PageToken = page1.NextPageToken, States = { ReservationState.Active } }, deadline: ChargingNetwork.Soon()));

        Assert.Equal(
            new[] { first.Reservation.ReservationId, second.Reservation.ReservationId }.Order(StringComparer.Ordinal),
            page1.Reservations.Concat(page2.Reservations).Select(reservation => reservation.ReservationId));
        Assert.Empty(page2.NextPageToken);
        Assert.Equal([(second.Reservation.ReservationId, ReservationState.Canceled)], delta.Reservations.Select(reservation => (reservation.ReservationId, reservation.State)));
        Assert.Equal(setup.T0.AddMinutes(1).AddSeconds(-5), delta.SyncTime.ToDateTimeOffset()); // the reservation clock, less the commit margin
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN"), otherFilters);
    }

    [Fact]
    public async Task Reservations_OtherCsp_CannotReadListOrCancelThem()
    {
        await using var setup = await ReservationNetwork.StartAsync(output);
        var created = await setup.ReserveAsync(ReservationNetwork.Create("reserve", ReservationNetwork.EvseId, setup.T0.AddMinutes(20)));
        var reservationId = created.Reservation.ReservationId;

        var read = await ReservationNetwork.Refused(setup.OtherReservations.GetReservationAsync(new GetReservationRequest { ReservationId = reservationId }, deadline: ChargingNetwork.Soon()));
        var cancel = await ReservationNetwork.Refused(setup.OtherReservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "steal", ReservationId = reservationId }, deadline: ChargingNetwork.Soon()));
        var theirs = await setup.OtherReservations.ListReservationsAsync(new ListReservationsRequest(), deadline: ChargingNetwork.Soon());
        var unknown = await ReservationNetwork.Refused(setup.Reservations.GetReservationAsync(new GetReservationRequest { ReservationId = "no-such-reservation" }, deadline: ChargingNetwork.Soon()));
        var ours = await setup.Reservations.ListReservationsAsync(new ListReservationsRequest { States = { ReservationState.Active } }, deadline: ChargingNetwork.Soon());
        var pendingOnly = await setup.Reservations.ListReservationsAsync(new ListReservationsRequest { States = { ReservationState.Pending } }, deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), read);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), cancel);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), unknown);
        Assert.Empty(theirs.Reservations);
        Assert.Equal([(reservationId, ReservationState.Active)], ours.Reservations.Select(reservation => (reservation.ReservationId, reservation.State)));
        Assert.Empty(pendingOnly.Reservations);
        Assert.Equal(ReservationState.Active, (await setup.GetAsync(reservationId)).State);
    }
}
