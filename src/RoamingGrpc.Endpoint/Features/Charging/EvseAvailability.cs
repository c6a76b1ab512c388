using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Reservations;
using RoamingGrpc.Storage.Status;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The one rule of whether an EVSE can take a new session (UC3-1, UC3-2) or reservation (UC3-8) now, in this order:
/// out of service (INOPERATIVE, OUTOFORDER, PLANNED, REMOVED: EVSE_INOPERATIVE), held by a reservation
/// (EVSE_RESERVED), held by a session or charging (EVSE_OCCUPIED). A start on its own reservation is not refused for
/// that reservation, nor for the RESERVED session the reservation opened.
/// </summary>
internal sealed class EvseAvailability(IEvseStatusStore statuses, IReservationStore reservations, ISessionStore sessions)
{
    /// <summary>Refuses (FAILED_PRECONDITION) unless the EVSE is free for the holder of <paramref name="own"/> (anyone when null).</summary>
    public void Ensure(WriteContext write, string evseId, Reservation? own)
    {
        if (Refusal(write, evseId, own) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>Why the EVSE cannot be taken now by the holder of <paramref name="own"/>, or null when it can.</summary>
    public RoamingException? Refusal(WriteContext write, string evseId, Reservation? own)
    {
        var status = (EvseStatus)(statuses.Current(write, evseId)?.Status ?? (long)EvseStatus.Unknown);
        if (status is EvseStatus.Inoperative or EvseStatus.Outoforder or EvseStatus.Planned or EvseStatus.Removed)
        {
            return Refused(ErrorReason.EvseInoperative, $"EVSE {evseId} is {ProtoEnumNames.Of(status)}.", evseId);
        }

        var heldBy = reservations.HoldingEvse(write, evseId);
        if ((heldBy is not null && heldBy.ReservationId != own?.ReservationId) || (status == EvseStatus.Reserved && own is null))
        {
            return Refused(ErrorReason.EvseReserved, $"EVSE {evseId} is already reserved.", evseId);
        }

        var session = sessions.HoldingEvse(write, evseId);
        var ownSession = session is { State: (long)SessionState.Reserved } && own is { SessionId.Length: > 0 } && session.SessionId == own.SessionId;
        return (session is not null && !ownSession) || status is EvseStatus.Charging or EvseStatus.Blocked
            ? Refused(ErrorReason.EvseOccupied, $"EVSE {evseId} is occupied by another session.", evseId)
            : null;
    }

    private static RoamingException Refused(ErrorReason reason, string message, string evseId) =>
        RoamingErrors.Create(ErrorKind.WrongState, reason, message, [new("evse_id", evseId)]);
}
