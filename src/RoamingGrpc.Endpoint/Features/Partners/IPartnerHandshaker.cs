using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Features.Partners;

/// <summary>Performs UC1-1 handshakes with partners, as a client.</summary>
internal interface IPartnerHandshaker
{
    /// <summary>Queues a handshake with <paramref name="partner"/>, retried with backoff while it is unreachable.</summary>
    void Request(PartyIdentity partner);

    /// <summary>
    /// One handshake attempt now, with <paramref name="requestId"/> as the handshake's idempotency key; throws the
    /// partner's error (an <c>RpcException</c>) or <see cref="PartnerUnreachableException"/> on failure.
    /// </summary>
    Task<PartnerRegistration> HandshakeNowAsync(PartyIdentity partner, string requestId, CancellationToken cancellationToken);
}
