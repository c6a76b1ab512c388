namespace RoamingGrpc.Storage.Tariffs;

/// <summary>The CSO's own tariffs (UC2-1, UC2-2).</summary>
public interface ITariffRepository
{
    /// <summary>The tariff (removed ones included), or null.</summary>
    Task<TariffRow?> GetAsync(string tariffId, CancellationToken cancellationToken);

    /// <summary>One page of the tariffs visible to the query's provider.</summary>
    Task<IReadOnlyList<TariffRow>> ListAsync(TariffPageQuery query, CancellationToken cancellationToken);

    /// <summary>The stored tariff, or null (inside the caller's write transaction).</summary>
    TariffRow? Find(WriteContext context, string tariffId);

    /// <summary>Stores <paramref name="row"/> with the next change sequence, replacing the previous version.</summary>
    void Save(WriteContext context, TariffRow row);
}
