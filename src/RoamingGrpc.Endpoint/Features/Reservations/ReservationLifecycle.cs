using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Reservations;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Reservations;

/// <summary>
/// The visited-CSO's reservations (UC3-8). A reservation is PENDING until the station confirms the
/// CREATE_RESERVATION command, then ACTIVE: the EVSE is reported RESERVED in the status log and refuses every other
/// token. It ends USED (the token started there), CANCELED, EXPIRED (the sweep, at its expiry time) or REJECTED (the
/// station refused); then the EVSE status it replaced is put back. Where the applicable tariff prices reservations,
/// an ACTIVE reservation opens its service session in state RESERVED: the token's start continues that session (the
/// reservation time is billed in its SDR), an expiry completes it into an SDR of service kind RESERVATION, a
/// cancellation voids it. Every version of a reservation is pushed to its home-CSP (outbox kind
/// <see cref="PushKinds.Reservation"/>). Whether an EVSE can be reserved is the one availability rule of starts and
/// reservations (<see cref="EvseAvailability"/>). Every method runs inside the caller's write transaction.
/// </summary>
internal sealed class ReservationLifecycle(
    IReservationStore reservations,
    ISessionStore sessions,
    ICommandStore commands,
    ISiteRepository sites,
    IEvseStatusStore statuses,
    EvseAvailability availability,
    StationCommands stationCommands,
    SessionPublisher publisher,
    SessionPricing pricing,
    SdrIssuer sdrs,
    PushQueue pushes,
    IOptions<ReservationOptions> reservationOptions,
    TimeProvider clock)
{
    /// <summary>
    /// Creates a PENDING reservation and returns the CREATE_RESERVATION command for the station (the caller opens it).
    /// Refusals: INVALID_FIELD (expiry in the past or beyond <see cref="ReservationOptions.MaxDuration"/>),
    /// UNKNOWN_SITE, NOT_RESERVABLE, EVSE_INOPERATIVE, EVSE_OCCUPIED, EVSE_RESERVED.
    /// </summary>
    public (Reservation Reservation, StationCommand Command) Create(WriteContext write, NewReservation request)
    {
        var now = Milliseconds(clock.GetUtcNow());
        var longest = reservationOptions.Value.MaxDuration;
        if (request.ExpiryTime <= now)
        {
            throw RoamingErrors.InvalidField("expiry_time", ErrorReason.InvalidField, "must be in the future");
        }

        if (request.ExpiryTime > now + longest)
        {
            throw RoamingErrors.InvalidField("expiry_time", ErrorReason.InvalidField, $"is more than {longest.TotalMinutes:0} min ahead; this operator holds an EVSE for at most {longest.TotalMinutes:0} min");
        }

        var location = request.Evse is { } evse ? Reservable(write, evse) : AnyOfSite(write, request.SiteId!);
        var reservation = new Reservation
        {
            ReservationId = Guid.NewGuid().ToString(),
            OperatorId = location.Site.OperatorId,
            ProviderId = request.Provider,
            State = ReservationState.Pending,
            Token = request.Token,
            SiteId = location.Site.SiteId,
            EvseId = location.Evse.EvseId,
            ConnectorId = location.Connector?.ConnectorId ?? string.Empty,
            ExpiryTime = Timestamp.FromDateTimeOffset(Milliseconds(request.ExpiryTime)),
            AuthorizationReference = request.AuthorizationReference,
            CommandId = Guid.NewGuid().ToString(),
            CreateTime = Timestamp.FromDateTimeOffset(now),
        };
        Save(write, reservation, null, null, now);
        var command = new StationCommand
        {
            CommandId = reservation.CommandId,
            CommandType = CommandType.CreateReservation,
            EvseId = reservation.EvseId,
            ConnectorId = reservation.ConnectorId,
            ReservationId = reservation.ReservationId,
            SiteId = reservation.SiteId,
            Token = reservation.Token,
            AuthorizationReference = reservation.AuthorizationReference,
            ExpiryTime = reservation.ExpiryTime,
            RequestId = request.RequestId,
        };
        return (reservation, command);
    }

    /// <summary>
    /// Cancels one of <paramref name="provider"/>'s reservations at once: the EVSE is free again and a session opened
    /// for it is voided (a cancellation is not billed). Returns the reservation, the CANCEL_RESERVATION command for
    /// the station (the caller opens it; null when it was canceled before) and the command id to answer with. A
    /// create command still open is closed CANCELED. Another CSP's or an unknown reservation: NOT_FOUND /
    /// UNKNOWN_RESERVATION; a used, expired or rejected one: FAILED_PRECONDITION / WRONG_STATE.
    /// </summary>
    public (Reservation Reservation, StationCommand? Command, string CommandId) Cancel(WriteContext write, string provider, string reservationId, string requestId)
    {
        var row = reservations.Find(write, reservationId);
        if (row is null || row.Provider != provider)
        {
            throw UnknownReservation(reservationId, "reservation_id");
        }

        var reservation = Reservation.Parser.ParseFrom(row.Payload);
        if (reservation.State == ReservationState.Canceled && row.CancelCommandId is { } earlier)
        {
            return (reservation, null, earlier);
        }

        if (!Holds(row))
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                $"Reservation '{reservationId}' is {ProtoEnumNames.Of(reservation.State)}; only a PENDING or ACTIVE reservation is canceled.",
                [new("reservation_id", reservationId)]);
        }

        var commandId = Guid.NewGuid().ToString();
        var ended = End(write, row, ReservationState.Canceled, commandId, "the home-CSP canceled the reservation before the station confirmed it");
        var command = new StationCommand
        {
            CommandId = commandId,
            CommandType = CommandType.CancelReservation,
            EvseId = ended.EvseId,
            ConnectorId = ended.ConnectorId,
            ReservationId = ended.ReservationId,
            SiteId = ended.SiteId,
            Token = ended.Token,
            AuthorizationReference = ended.AuthorizationReference,
            RequestId = requestId,
        };
        return (ended, command, commandId);
    }

    /// <summary>Expires a reservation whose expiry time passed (the sweep); null when it moved on meanwhile.</summary>
    public Reservation? Expire(WriteContext write, string reservationId)
    {
        var row = reservations.Find(write, reservationId);
        return row is not null && Holds(row) && row.ExpiryTime <= clock.GetUtcNow().ToUnixTimeMilliseconds()
            ? End(write, row, ReservationState.Expired, null, "the reservation expired before the station confirmed it")
            : null;
    }

    /// <summary>
    /// Applies the outcome of a CREATE_RESERVATION command to its reservation, if still PENDING: ACCEPTED makes it
    /// ACTIVE (EVSE RESERVED, session RESERVED where reservations are billed), any other outcome REJECTED. Other
    /// command types are not affected.
    /// </summary>
    public void Settle(WriteContext write, StationCommand command, CommandResultType outcome)
    {
        ArgumentNullException.ThrowIfNull(command);
        var row = reservations.Find(write, command.ReservationId);
        if (row is null || row.State != (long)ReservationState.Pending)
        {
            return; // canceled, expired or used meanwhile: the outcome only closes the command
        }

        if (outcome == CommandResultType.Accepted)
        {
            Activate(write, row);
        }
        else
        {
            End(write, row, ReservationState.Rejected, null, string.Empty);
        }
    }

    /// <summary>
    /// The reservation a start at an EVSE uses, or null: the one named by <see cref="PendingStart.ReservationId"/>, or
    /// the one holding the EVSE when it is for the starting token (same uid, type and provider). Refusals: another
    /// token's reservation holds the EVSE (FAILED_PRECONDITION / EVSE_RESERVED); the named one is not the starter's
    /// (NOT_FOUND / UNKNOWN_RESERVATION), is over (WRONG_STATE) or holds another EVSE (INVALID_FIELD).
    /// </summary>
    public Reservation? ForStart(WriteContext write, PendingStart start)
    {
        ReservationRow? row;
        if (start.ReservationId.Length > 0)
        {
            row = reservations.Find(write, start.ReservationId);
            if (row is null || row.Provider != start.Provider)
            {
                throw UnknownReservation(start.ReservationId, "reservation_id");
            }

            if (!Holds(row))
            {
                throw RoamingErrors.Create(
                    ErrorKind.WrongState,
                    ErrorReason.WrongState,
                    $"reservation_id: reservation '{row.ReservationId}' is {ProtoEnumNames.Of((ReservationState)row.State)}; it no longer holds an EVSE.",
                    [new("field", "reservation_id"), new("reservation_id", row.ReservationId)]);
            }

            if (row.EvseId != start.EvseId)
            {
                throw RoamingErrors.InvalidField("reservation_id", ErrorReason.InvalidField, $"holds EVSE {row.EvseId}, not {start.EvseId}; start at the reserved EVSE");
            }
        }
        else
        {
            // The reservation holding the EVSE, if it is the starter's; another's refuses the start by the availability rule.
            row = reservations.HoldingEvse(write, start.EvseId);
            return row is not null && IsFor(row, start) ? Reservation.Parser.ParseFrom(row.Payload) : null;
        }

        return IsFor(row, start)
            ? Reservation.Parser.ParseFrom(row.Payload)
            : throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.EvseReserved, $"EVSE {start.EvseId} is reserved for another user.", [new("evse_id", start.EvseId)]);
    }

    /// <summary>The reserving token started on <paramref name="reservation"/>: USED, with the session it started.</summary>
    public void Use(WriteContext write, Reservation reservation, string sessionId)
    {
        var row = reservations.Find(write, reservation.ReservationId)
            ?? throw new InvalidOperationException($"Reservation '{reservation.ReservationId}' is missing.");
        var used = Reservation.Parser.ParseFrom(row.Payload);
        used.SessionId = sessionId;
        var now = Milliseconds(clock.GetUtcNow());
        if (row.State == (long)ReservationState.Active)
        {
            RestoreStatus(write, row);
        }

        used.State = ReservationState.Used;
        Save(write, used, row.PreviousStatus, row.CancelCommandId, now);
    }

    private void Activate(WriteContext write, ReservationRow row)
    {
        var now = Milliseconds(clock.GetUtcNow());
        var reservation = Reservation.Parser.ParseFrom(row.Payload);
        var current = statuses.Current(write, reservation.EvseId);
        var previous = current?.Status ?? (long)EvseStatus.Available;
        AppendStatus(write, reservation, EvseStatus.Reserved, current);
        reservation.State = ReservationState.Active;

        var session = new Session
        {
            SessionId = Guid.NewGuid().ToString(),
            OperatorId = reservation.OperatorId,
            ProviderId = reservation.ProviderId,
            State = SessionState.Reserved,
            ServiceKind = ServiceKind.Reservation,
            Token = reservation.Token,
            IdentificationMethod = IdentificationMethod.Remote,
            AuthorizationMethod = AuthorizationMethod.Command,
            AuthorizationReference = reservation.AuthorizationReference.Length > 0 ? reservation.AuthorizationReference : reservation.CommandId,
            SiteId = reservation.SiteId,
            EvseId = reservation.EvseId,
            ConnectorId = reservation.ConnectorId,
            ReservationId = reservation.ReservationId,
        };
        session.TransactionId = session.SessionId;
        if (pricing.BillsReservations(write, session, reservation.CreateTime.ToDateTimeOffset()))
        {
            SaveSession(write, session, string.Empty);
            reservation.SessionId = session.SessionId;
        }

        Save(write, reservation, previous, null, now);
    }

    // Ends a reservation that holds its EVSE: the EVSE status it replaced comes back, its RESERVED session is completed
    // (expired: billed) or voided (canceled, rejected), and a create command still open is closed CANCELED.
    private Reservation End(WriteContext write, ReservationRow row, ReservationState state, string? cancelCommandId, string openCommandMessage)
    {
        var now = Milliseconds(clock.GetUtcNow());
        var reservation = Reservation.Parser.ParseFrom(row.Payload);
        if (row.State == (long)ReservationState.Active)
        {
            RestoreStatus(write, row);
        }

        if (row.State == (long)ReservationState.Pending && state != ReservationState.Rejected
            && commands.Find(write, reservation.CommandId) is { IsOpen: true } create)
        {
            stationCommands.Complete(write, create, CommandResultType.Canceled, openCommandMessage, reservation.EvseId);
        }

        if (reservation.SessionId.Length > 0 && sessions.Find(write, reservation.SessionId) is { State: (long)SessionState.Reserved } held)
        {
            var session = Session.Parser.ParseFrom(held.Payload);
            session.EndTime = Timestamp.FromDateTimeOffset(state == ReservationState.Expired ? reservation.ExpiryTime.ToDateTimeOffset() : now);
            if (state == ReservationState.Expired)
            {
                session.State = SessionState.Completed;
                session.StartTime = reservation.CreateTime;
                session.StopReason = StopReason.Timeout;
                sdrs.CompleteReservation(write, session, clock.GetUtcNow());
            }
            else
            {
                session.State = SessionState.Invalid;
                session.StopReason = StopReason.Other;
            }

            SaveSession(write, session, string.Empty);
        }

        reservation.State = state;
        Save(write, reservation, row.PreviousStatus, cancelCommandId ?? row.CancelCommandId, now);
        return reservation;
    }

    // The EVSE is given back the status the reservation replaced, unless the station reported another one meanwhile.
    private void RestoreStatus(WriteContext write, ReservationRow row)
    {
        var current = statuses.Current(write, row.EvseId);
        if (current?.Status == (long)EvseStatus.Reserved)
        {
            AppendStatus(write, Reservation.Parser.ParseFrom(row.Payload), (EvseStatus)(row.PreviousStatus ?? (long)EvseStatus.Available), current);
        }
    }

    // Status changes are stamped with the endpoint's clock, never before the current status (the log orders by change time).
    private void AppendStatus(WriteContext write, Reservation reservation, EvseStatus status, StatusEntry? current)
    {
        var now = clock.GetUtcNow();
        statuses.Append(write, reservation.EvseId, reservation.SiteId, (long)status, Math.Max(now.ToUnixTimeMilliseconds(), current?.ChangeTime ?? 0), now);
    }

    private void SaveSession(WriteContext write, Session session, string commandId)
    {
        var now = clock.GetUtcNow();
        SessionPublisher.Stamp(session, now);
        publisher.Save(write, session, ChargingInfoProjection.Of(session, null, null, commandId, now), push: true, now); // a reservation session has no charge plan yet
    }

    // Stamps a new version of the reservation, stores it and queues it for its CSP (durable push).
    private void Save(WriteContext write, Reservation reservation, long? previousStatus, string? cancelCommandId, DateTimeOffset now)
    {
        reservation.Version++;
        reservation.UpdateTime = Timestamp.FromDateTimeOffset(now);
        reservations.Save(write, new ReservationRow(
            reservation.ReservationId,
            reservation.ProviderId,
            reservation.EvseId,
            (long)reservation.State,
            reservation.ExpiryTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
            previousStatus,
            cancelCommandId,
            (long)reservation.Version,
            now.ToUnixTimeMilliseconds(),
            0,
            reservation.ToByteArray()));
        pushes.ToCsp(write, PushKinds.Reservation, reservation.ProviderId, reservation);
    }

    // One EVSE the CSP named: reservable, operative and free.
    private EvseLocation Reservable(WriteContext write, EvseLocation location)
    {
        if (!location.Evse.Capabilities.Contains(EvseCapability.Reservable))
        {
            throw Refused(ErrorReason.NotReservable, $"EVSE {location.Evse.EvseId} cannot be reserved (no RESERVABLE).", location.Evse.EvseId);
        }

        availability.Ensure(write, location.Evse.EvseId, own: null);
        return location;
    }

    // The first reservable EVSE of the site (in the site's order) that is operative and free. When none is, the refusal
    // says what is most likely to pass: reserved (it may expire), then occupied, then inoperative.
    private EvseLocation AnyOfSite(WriteContext write, string siteId)
    {
        var row = sites.Find(write, siteId);
        if (row is null || row.Removed)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSite, $"site_id: site '{siteId}' does not exist.", [new("field", "site_id"), new("site_id", siteId)]);
        }

        var site = Site.Parser.ParseFrom(row.Payload);
        var reservable = site.Evses.Where(evse => evse.Capabilities.Contains(EvseCapability.Reservable)).ToList();
        if (reservable.Count == 0)
        {
            throw RoamingErrors.Create(ErrorKind.WrongState, ErrorReason.NotReservable, $"No EVSE of site '{siteId}' can be reserved (none is RESERVABLE).", [new("site_id", siteId)]);
        }

        var refusals = new List<RoamingException>();
        foreach (var evse in reservable)
        {
            if (availability.Refusal(write, evse.EvseId, own: null) is not { } refusal)
            {
                return new EvseLocation(site, evse, null);
            }

            refusals.Add(refusal);
        }

        var reasons = refusals.Select(refusal => refusal.Reason).ToList();
        var reason = reasons.Contains(ErrorReason.EvseReserved) ? ErrorReason.EvseReserved
            : reasons.Contains(ErrorReason.EvseOccupied) ? ErrorReason.EvseOccupied
            : ErrorReason.EvseInoperative;
        throw RoamingErrors.Create(ErrorKind.WrongState, reason, $"No reservable EVSE of site '{siteId}' is free ({reservable.Count} reservable, all taken or inoperative).", [new("site_id", siteId)]);
    }

    // A reservation is used by the same token of the same provider.
    private static bool IsFor(ReservationRow row, PendingStart start)
    {
        var token = Reservation.Parser.ParseFrom(row.Payload).Token;
        return row.Provider == start.Provider && token.Type == start.Token.Type && token.Uid == start.Token.Uid;
    }

    private static bool Holds(ReservationRow row) => row.State is (long)ReservationState.Pending or (long)ReservationState.Active;

    // Reservation times are kept to the millisecond, as they are stored.
    private static DateTimeOffset Milliseconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static RoamingException UnknownReservation(string reservationId, string field) =>
        RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownReservation, $"{field}: reservation '{reservationId}' does not exist.", [new("field", field), new("reservation_id", reservationId)]);

    private static RoamingException Refused(ErrorReason reason, string message, string evseId) =>
        RoamingErrors.Create(ErrorKind.WrongState, reason, message, [new("evse_id", evseId)]);
}
