using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Reservations;

/// <summary>
/// UC3-8 CreateReservation between a real CSO and two real CSPs over mutual TLS: the command's way to the station and
/// back, what the CSO refuses and why, idempotency, and that a CSP never sees another CSP's reservations.
/// </summary>
public sealed class ReservationCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CreateReservation_ReservableEvseStationAccepts_ActiveEvseReservedAndCspInformed()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var expiry = kit.T0.AddMinutes(20);

        var created = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, expiry), deadline: ChargingRig.Soon());
        var statusWhilePending = await kit.StatusAsync(ReservationKit.EvseId);
        var command = await kit.AnswerAsync(created.CommandId, CommandResultType.Accepted);
        var pushed = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Active }]);
        var results = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var read = await kit.GetAsync(created.Reservation.ReservationId);

        var reservation = created.Reservation;
        Assert.Equal((ReservationState.Pending, 1UL, "DE*ABC", "DE-8EO"), (reservation.State, reservation.Version, reservation.OperatorId, reservation.ProviderId));
        Assert.Equal((ReservationKit.EvseId, ReservationKit.SiteId, expiry, kit.T0), (reservation.EvseId, reservation.SiteId, reservation.ExpiryTime.ToDateTimeOffset(), reservation.CreateTime.ToDateTimeOffset()));
        Assert.Equal((ReservationKit.AppUser.Uid, "DE-8EO"), (reservation.Token.Uid, reservation.Token.ProviderId));
        Assert.Equal(created.CommandId, reservation.CommandId);
        Assert.Equal(EvseStatus.Available, statusWhilePending);
        Assert.Equal((CommandType.CreateReservation, reservation.ReservationId, ReservationKit.EvseId, expiry), (command.CommandType, command.ReservationId, command.EvseId, command.ExpiryTime.ToDateTimeOffset()));
        Assert.Equal((ReservationState.Active, 2UL), (read.State, read.Version));
        Assert.Equal(read, pushed[0]);
        Assert.Equal((created.CommandId, CommandType.CreateReservation, CommandResultType.Accepted, reservation.ReservationId, "reserve"), (results[0].CommandId, results[0].CommandType, results[0].Result, results[0].ReservationId, results[0].RequestId));
        Assert.Equal(EvseStatus.Reserved, await kit.StatusAsync(ReservationKit.EvseId));
        Assert.Empty(read.SessionId); // the rig's tariff does not bill reservations: no RESERVED session
    }

    [Fact]
    public async Task CreateReservation_NotReservableUnknownOrTaken_RefusedWithReasonAndNothingReserved()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var expiry = kit.T0.AddMinutes(20);
        var first = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("first", ReservationKit.EvseId, expiry), deadline: ChargingRig.Soon());
        await kit.Rig.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "occupy", EvseId = ReservationKit.SecondEvseId, Token = ReservationKit.OtherUser }, deadline: ChargingRig.Soon());

        var notReservable = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(ReservationKit.Create("s1", ChargingRig.EvseId, expiry), deadline: ChargingRig.Soon()));
        var reservedWhilePending = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(ReservationKit.Create("again", ReservationKit.EvseId, expiry, ReservationKit.OtherUser), deadline: ChargingRig.Soon()));
        var reservedForOtherCsp = await ReservationKit.Refused(kit.OtherReservations.CreateReservationAsync(ReservationKit.Create("other", ReservationKit.EvseId, expiry, new TokenRef { Uid = "zzz", Type = TokenType.AppUser }), deadline: ChargingRig.Soon()));
        var occupied = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(ReservationKit.Create("occupied", ReservationKit.SecondEvseId, expiry), deadline: ChargingRig.Soon()));
        var wholeSite = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site", SiteId = ReservationKit.SiteId, Token = ReservationKit.AppUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) }, deadline: ChargingRig.Soon()));
        var siteWithoutReservable = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site-1", SiteId = ChargingRig.SiteId, Token = ReservationKit.AppUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) }, deadline: ChargingRig.Soon()));
        var unknownSite = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site-9", SiteId = "S9", Token = ReservationKit.AppUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) }, deadline: ChargingRig.Soon()));
        var unknownEvse = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(ReservationKit.Create("nope", "DE*ABC*ENOPE*1", expiry), deadline: ChargingRig.Soon()));
        var foreignToken = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(
            ReservationKit.Create("foreign", ReservationKit.EvseId, expiry, new TokenRef { Uid = "zzz", Type = TokenType.AppUser, ProviderId = "FR-ZZZ" }), deadline: ChargingRig.Soon()));
        var listed = await kit.Reservations.ListReservationsAsync(new ListReservationsRequest(), deadline: ChargingRig.Soon());

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
        await using var kit = await ReservationKit.StartAsync(output, csoSettings: new Dictionary<string, string?> { ["Roaming:Reservations:MaxDuration"] = "00:10:00" });

        var tooLong = await Assert.ThrowsAsync<RpcException>(() => kit.Reservations.CreateReservationAsync(
            ReservationKit.Create("long", ReservationKit.EvseId, kit.T0.AddMinutes(10).AddMilliseconds(1)), deadline: ChargingRig.Soon()).ResponseAsync);
        var past = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(ReservationKit.Create("past", ReservationKit.EvseId, kit.T0.AddMinutes(-1)), deadline: ChargingRig.Soon()));
        var now = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(ReservationKit.Create("now", ReservationKit.EvseId, kit.T0), deadline: ChargingRig.Soon()));
        var missing = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "missing", EvseId = ReservationKit.EvseId, Token = ReservationKit.AppUser }, deadline: ChargingRig.Soon()));
        var longest = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("longest", ReservationKit.EvseId, kit.T0.AddMinutes(10)), deadline: ChargingRig.Soon());

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), (tooLong.StatusCode, ChargingRig.ReasonOf(tooLong)));
        Assert.StartsWith("expiry_time: is more than 10 min ahead", tooLong.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), past);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), now);
        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD"), missing);
        Assert.Equal((ReservationState.Pending, kit.T0.AddMinutes(10)), (longest.Reservation.State, longest.Reservation.ExpiryTime.ToDateTimeOffset()));
    }

    [Fact]
    public async Task CreateReservation_SameRequestIdTwice_OneReservationAndOneCommand()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var request = ReservationKit.Create("same", ReservationKit.EvseId, kit.T0.AddMinutes(20));

        var once = await kit.Reservations.CreateReservationAsync(request, deadline: ChargingRig.Soon());
        var again = await kit.Reservations.CreateReservationAsync(request, deadline: ChargingRig.Soon());
        var reused = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(ReservationKit.Create("same", ReservationKit.SecondEvseId, kit.T0.AddMinutes(20)), deadline: ChargingRig.Soon()));
        var listed = await kit.Reservations.ListReservationsAsync(new ListReservationsRequest(), deadline: ChargingRig.Soon());

        Assert.Equal(once.CommandId, again.CommandId);
        Assert.Equal(once.Reservation, again.Reservation);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), reused);
        Assert.Single(listed.Reservations);
    }

    [Fact]
    public async Task CreateReservation_WholeSite_CsoPicksAFreeReservableEvse()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var expiry = kit.T0.AddMinutes(20);
        await kit.ReserveAsync(ReservationKit.Create("first", ReservationKit.EvseId, expiry));

        var created = await kit.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site", SiteId = ReservationKit.SiteId, Token = ReservationKit.OtherUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) },
            deadline: ChargingRig.Soon());
        var command = await kit.AnswerAsync(created.CommandId, CommandResultType.Accepted);
        var connectorForSite = await ReservationKit.Refused(kit.Reservations.CreateReservationAsync(
            new CreateReservationRequest { RequestId = "site-connector", SiteId = ReservationKit.SiteId, ConnectorId = "1", Token = ReservationKit.AppUser, ExpiryTime = created.Reservation.ExpiryTime },
            deadline: ChargingRig.Soon()));

        Assert.Equal((ReservationKit.SecondEvseId, ReservationKit.SiteId), (created.Reservation.EvseId, created.Reservation.SiteId));
        Assert.Equal((ReservationKit.SecondEvseId, ReservationKit.SiteId), (command.EvseId, command.SiteId));
        Assert.Equal(EvseStatus.Reserved, await kit.StatusAsync(ReservationKit.SecondEvseId));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), connectorForSite);
    }

    [Fact]
    public async Task ReportCommandResult_StationRefusesReservation_RejectedAndEvseStaysFree()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var created = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20)), deadline: ChargingRig.Soon());

        await kit.AnswerAsync(created.CommandId, CommandResultType.Rejected);
        var pushed = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.Reservation.Name, Reservation.Parser, received => received is [{ State: ReservationState.Rejected }]);
        var results = await ChargingRig.ReceivedAsync(kit.Rig.Endpoints.Csp, PushKinds.CommandResult.Name, CommandResult.Parser, received => received.Count == 1);
        var cancel = await ReservationKit.Refused(kit.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = created.Reservation.ReservationId }, deadline: ChargingRig.Soon()));
        var second = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("second", ReservationKit.EvseId, kit.T0.AddMinutes(20)), deadline: ChargingRig.Soon());

        Assert.Equal(2UL, pushed[0].Version);
        Assert.Equal(CommandResultType.Rejected, results[0].Result);
        Assert.Equal(EvseStatus.Available, await kit.StatusAsync(ReservationKit.EvseId));
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), cancel);
        Assert.Equal(ReservationState.Pending, second.Reservation.State);
    }

    [Fact]
    public async Task ListReservations_PagesAndDelta_FullByIdAndDeltaOnlyChangedSince()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var first = await kit.ReserveAsync(ReservationKit.Create("first", ReservationKit.EvseId, kit.T0.AddMinutes(20)));
        var second = await kit.Reservations.CreateReservationAsync(ReservationKit.Create("second", ReservationKit.SecondEvseId, kit.T0.AddMinutes(20), ReservationKit.OtherUser), deadline: ChargingRig.Soon());
        kit.Clock.Advance(TimeSpan.FromMinutes(1));
        await kit.Reservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "cancel", ReservationId = second.Reservation.ReservationId }, deadline: ChargingRig.Soon());

        var page1 = await kit.Reservations.ListReservationsAsync(new ListReservationsRequest { PageSize = 1 }, deadline: ChargingRig.Soon());
        var page2 = await kit.Reservations.ListReservationsAsync(new ListReservationsRequest { PageSize = 1, PageToken = page1.NextPageToken }, deadline: ChargingRig.Soon());
        var delta = await kit.Reservations.ListReservationsAsync(
            new ListReservationsRequest { UpdatedSince = Timestamp.FromDateTimeOffset(kit.T0.AddSeconds(30)) }, deadline: ChargingRig.Soon());
        var otherFilters = await ReservationKit.Refused(kit.Reservations.ListReservationsAsync(
            new ListReservationsRequest { PageSize = 1, PageToken = page1.NextPageToken, States = { ReservationState.Active } }, deadline: ChargingRig.Soon()));

        Assert.Equal(
            new[] { first.Reservation.ReservationId, second.Reservation.ReservationId }.Order(StringComparer.Ordinal),
            page1.Reservations.Concat(page2.Reservations).Select(reservation => reservation.ReservationId));
        Assert.Empty(page2.NextPageToken);
        Assert.Equal([(second.Reservation.ReservationId, ReservationState.Canceled)], delta.Reservations.Select(reservation => (reservation.ReservationId, reservation.State)));
        Assert.Equal(kit.T0.AddMinutes(1).AddSeconds(-5), delta.SyncTime.ToDateTimeOffset()); // the reservation clock, less the commit margin
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN"), otherFilters);
    }

    [Fact]
    public async Task Reservations_OtherCsp_CannotReadListOrCancelThem()
    {
        await using var kit = await ReservationKit.StartAsync(output);
        var created = await kit.ReserveAsync(ReservationKit.Create("reserve", ReservationKit.EvseId, kit.T0.AddMinutes(20)));
        var reservationId = created.Reservation.ReservationId;

        var read = await ReservationKit.Refused(kit.OtherReservations.GetReservationAsync(new GetReservationRequest { ReservationId = reservationId }, deadline: ChargingRig.Soon()));
        var cancel = await ReservationKit.Refused(kit.OtherReservations.CancelReservationAsync(new CancelReservationRequest { RequestId = "steal", ReservationId = reservationId }, deadline: ChargingRig.Soon()));
        var theirs = await kit.OtherReservations.ListReservationsAsync(new ListReservationsRequest(), deadline: ChargingRig.Soon());
        var unknown = await ReservationKit.Refused(kit.Reservations.GetReservationAsync(new GetReservationRequest { ReservationId = "no-such-reservation" }, deadline: ChargingRig.Soon()));
        var ours = await kit.Reservations.ListReservationsAsync(new ListReservationsRequest { States = { ReservationState.Active } }, deadline: ChargingRig.Soon());
        var pendingOnly = await kit.Reservations.ListReservationsAsync(new ListReservationsRequest { States = { ReservationState.Pending } }, deadline: ChargingRig.Soon());

        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), read);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), cancel);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_RESERVATION"), unknown);
        Assert.Empty(theirs.Reservations);
        Assert.Equal([(reservationId, ReservationState.Active)], ours.Reservations.Select(reservation => (reservation.ReservationId, reservation.State)));
        Assert.Empty(pendingOnly.Reservations);
        Assert.Equal(ReservationState.Active, (await kit.GetAsync(reservationId)).State);
    }
}
