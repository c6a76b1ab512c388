using System.Collections.Concurrent;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Storage.Partners;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// The partner registry as every call sees it: an in-memory copy of the <c>partners</c> table, loaded at start
/// and updated by each recorded handshake, so that authorizing a call never reads the database.
/// </summary>
public sealed class PartnerDirectory
{
    private readonly ConcurrentDictionary<PartyIdentity, Partner> _partners = new();

    /// <summary>The partner with this identity, or null.</summary>
    public Partner? Find(PartyIdentity identity) => _partners.GetValueOrDefault(identity);

    /// <summary>True when this identity is a partner (configured or registered).</summary>
    public bool IsKnown(PartyIdentity identity) => _partners.ContainsKey(identity);

    /// <summary>True when this identity has completed a handshake in either direction.</summary>
    public bool IsRegistered(PartyIdentity identity) =>
        _partners.TryGetValue(identity, out var partner) && partner.Status == PartnerStatus.Registered;

    /// <summary>Every partner.</summary>
    public IReadOnlyCollection<Partner> All => [.. _partners.Values];

    /// <summary>Replaces the copy with what the registry holds.</summary>
    public async Task LoadAsync(IPartnerRepository repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var all = await repository.ListAsync(cancellationToken).ConfigureAwait(false);
        _partners.Clear();
        foreach (var partner in all)
        {
            _partners[partner.Identity] = partner;
        }
    }

    /// <summary>Takes a record just committed to the registry.</summary>
    public void Update(Partner partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        _partners.AddOrUpdate(
            partner.Identity,
            partner,
            (_, existing) => existing.UpdateTime > partner.UpdateTime
                || (existing.InboundHandshakeTime ?? DateTimeOffset.MinValue) > (partner.InboundHandshakeTime ?? DateTimeOffset.MinValue)
                || (existing.OutboundHandshakeTime ?? DateTimeOffset.MinValue) > (partner.OutboundHandshakeTime ?? DateTimeOffset.MinValue)
                ? existing
                : partner);
    }
}
