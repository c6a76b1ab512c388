namespace RoamingGrpc.Storage.Reservations;

/// <summary>A stored reservation: filter and order columns and the reservation as encoded by the contract.</summary>
public sealed record ReservationRow(
    string ReservationId,
    string Provider,
    string EvseId,
    long State,
    long ExpiryTime,
    long? PreviousStatus,
    string? CancelCommandId,
    long Version,
    long UpdateTime,
    long ChangeSeq,
    byte[] Payload);
