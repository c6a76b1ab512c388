using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage.Partners;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// The partner registry as every call sees it: an in-memory copy of the <c>partners</c> table, loaded at start
/// and updated by each recorded handshake, so that authorizing a call never reads the database. Only partners
/// in the current configuration are admitted (or any certified party with <c>AdmitUnlistedPartners</c>): a
/// partner removed from configuration loses access at the next start even though its record stays.
/// </summary>
internal sealed class PartnerDirectory(EndpointSettings settings)
{
    private readonly ConcurrentDictionary<PartyIdentity, Partner> _partners = new();
    private readonly HashSet<PartyIdentity> _configured = [.. settings.Partners.Select(partner => partner.Identity)];

    /// <summary>True when <paramref name="identity"/> may deal with this endpoint at all.</summary>
    public bool IsAdmitted(PartyIdentity identity) =>
        _configured.Contains(identity) || settings.AdmitUnlistedPartners;

    /// <summary>The partner with this identity, or null.</summary>
    public Partner? Find(PartyIdentity identity) => _partners.GetValueOrDefault(identity);

    /// <summary>True when this identity is admitted and has completed a handshake in either direction.</summary>
    public bool IsRegistered(PartyIdentity identity) =>
        IsAdmitted(identity) && _partners.TryGetValue(identity, out var partner) && partner.Status == PartnerStatus.Registered;

    /// <summary>Every admitted partner in the registry.</summary>
    public IReadOnlyCollection<Partner> All => [.. _partners.Values.Where(partner => IsAdmitted(partner.Identity))];

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

    /// <summary>Raised after a record was taken (for example: a partner just registered, pushes may start).</summary>
    public event Action<Partner>? Updated;

    /// <summary>Takes a record just committed to the registry.</summary>
    public void Update(Partner partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var current = _partners.AddOrUpdate(
            partner.Identity,
            partner,
            (_, existing) => existing.Revision > partner.Revision ? existing : partner);
        Updated?.Invoke(current);
    }
}
