namespace RoamingGrpc.Storage.PartnerData;

/// <summary>
/// How a pushed delivery was answered: its <c>DeliveryOutcome</c> and, when it was refused, the <c>ErrorReason</c>
/// (the contract's numbers; 0 otherwise).
/// </summary>
public sealed record DeliveryRecord(string DeliveryId, long Outcome, long ErrorReason);
