namespace RoamingGrpc.Storage.Outbox;

/// <summary>One change waiting to be pushed to one partner.</summary>
public sealed record OutboxEntry(
    long Sequence,
    string Partner,
    string Kind,
    string EntityId,
    long EntityVersion,
    string DeliveryId,
    byte[] Payload,
    long EnqueueTime);
