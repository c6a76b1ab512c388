using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Storage.Partners;

/// <summary>The partner registry (UC1-1).</summary>
public interface IPartnerRepository
{
    /// <summary>The partner with this identity, or null.</summary>
    Task<Partner?> FindAsync(PartyIdentity identity, CancellationToken cancellationToken);

    /// <summary>Every partner, configured or registered, ordered by role and party id.</summary>
    Task<IReadOnlyList<Partner>> ListAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes sure each configured partner is in the registry: inserted as configured when absent; its
    /// endpoint URL set from configuration when configuration names one.
    /// </summary>
    Task EnsureConfiguredAsync(IReadOnlyList<ConfiguredPartner> partners, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets the endpoint URL recorded for each of <paramref name="identities"/> (it is no longer allowed for the
    /// partner): the partner's next handshake states it again, and is checked. Returns the partners as now recorded.
    /// </summary>
    Task<IReadOnlyList<Partner>> ForgetEndpointUrlsAsync(IReadOnlyList<PartyIdentity> identities, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a handshake the partner made with us (inside the caller's write transaction).</summary>
    PartnerRegistration RecordInboundHandshake(WriteContext context, PartnerDetails details, DateTimeOffset now);

    /// <summary>Records a successful handshake we made with the partner (it answered with these details).</summary>
    Task<PartnerRegistration> RecordOutboundHandshakeAsync(PartnerDetails details, DateTimeOffset now, CancellationToken cancellationToken);
}
