namespace RoamingGrpc.Endpoint.Partners;

/// <summary>Rung after committing outbox entries, so that the <see cref="OutboxRelay"/> pushes them at once.</summary>
public sealed class OutboxSignal : Doorbell;
