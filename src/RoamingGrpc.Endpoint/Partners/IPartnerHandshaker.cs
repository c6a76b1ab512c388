using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>Performs UC1-1 handshakes with partners, as a client.</summary>
public interface IPartnerHandshaker
{
    /// <summary>Queues a handshake with <paramref name="partner"/>, retried with backoff while it is unreachable.</summary>
    void Request(PartyIdentity partner);

    /// <summary>One handshake attempt now; throws the partner's error (an <c>RpcException</c>) on failure.</summary>
    Task<PartnerRegistration> HandshakeNowAsync(PartyIdentity partner, CancellationToken cancellationToken);
}
