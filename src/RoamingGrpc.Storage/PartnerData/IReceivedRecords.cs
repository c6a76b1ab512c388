namespace RoamingGrpc.Storage.PartnerData;

/// <summary>
/// The receiving side of durable pushes on a CSP: the records partner CSOs pushed (newest version per record)
/// and the deliveries already answered, so that a retried push applies once.
/// </summary>
public interface IReceivedRecords
{
    /// <summary>The earlier outcome of this delivery from <paramref name="sender"/>, or null.</summary>
    DeliveryRecord? DeliveryOutcome(WriteContext context, string sender, string deliveryId);

    /// <summary>Records the outcome of a delivery.</summary>
    void RecordDelivery(WriteContext context, string sender, DeliveryRecord delivery, DateTimeOffset now);

    /// <summary>The version held for (cso, kind, record), or null.</summary>
    long? VersionOf(WriteContext context, string cso, string kind, string recordId);

    /// <summary>Stores a newer version of a record.</summary>
    void Save(WriteContext context, ReceivedRecord record, DateTimeOffset now);

    /// <summary>Every record of <paramref name="kind"/> held for <paramref name="cso"/>, tombstones included, by id.</summary>
    Task<IReadOnlyList<ReceivedRecord>> ListAsync(string cso, string kind, CancellationToken cancellationToken);

    /// <summary>The record held for (cso, kind, record), or null.</summary>
    Task<ReceivedRecord?> GetAsync(string cso, string kind, string recordId, CancellationToken cancellationToken);
}
