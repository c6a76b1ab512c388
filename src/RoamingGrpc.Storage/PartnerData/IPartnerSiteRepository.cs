namespace RoamingGrpc.Storage.PartnerData;

/// <summary>The sites of partner CSOs held by this CSP (UC1-2 receiving side), and the deliveries answered.</summary>
public interface IPartnerSiteRepository
{
    /// <summary>The earlier outcome of this delivery from <paramref name="sender"/>, or null.</summary>
    string? DeliveryOutcome(WriteContext context, string sender, string deliveryId);

    /// <summary>Records the outcome of a delivery.</summary>
    void RecordDelivery(WriteContext context, string sender, string deliveryId, string outcome, DateTimeOffset now);

    /// <summary>The version held for (cso, site), or null.</summary>
    long? VersionOf(WriteContext context, string cso, string siteId);

    /// <summary>Stores a newer version of a site.</summary>
    void Save(WriteContext context, ReceivedSite site, DateTimeOffset now);

    /// <summary>Every site held for <paramref name="cso"/>, tombstones included, by site id.</summary>
    Task<IReadOnlyList<ReceivedSite>> ListAsync(string cso, CancellationToken cancellationToken);
}
