using Google.Protobuf;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage.Outbox;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// Queues records for durable push, in the write transaction of the change itself (the outbox), keyed by their
/// <see cref="PushKinds"/> entry: to one CSP (its sessions, SDRs, ...) or to every CSP partner that may see it (sites,
/// tariffs, maintenance notices). The commit wakes the <see cref="OutboxRelay"/>.
/// </summary>
internal sealed class PushQueue(IOutbox outbox, PartnerDirectory partners, TimeProvider clock)
{
    /// <summary>Queues <paramref name="record"/> for the CSP <paramref name="provider"/>.</summary>
    public void ToCsp<TRecord, TRequest, TResponse>(WriteContext write, PushKind<TRecord, TRequest, TResponse> kind, string provider, TRecord record)
        where TRecord : class, IMessage<TRecord>, new()
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Enqueue(write, kind, [PartyIdentity.Create(PartyRole.Csp, provider)], record);

    /// <summary>Queues <paramref name="record"/> for every CSP partner, or those <paramref name="audience"/> admits.</summary>
    public void ToCsps<TRecord, TRequest, TResponse>(WriteContext write, PushKind<TRecord, TRequest, TResponse> kind, TRecord record, Func<PartyIdentity, bool>? audience = null)
        where TRecord : class, IMessage<TRecord>, new()
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        Enqueue(
            write,
            kind,
            partners.All.Select(partner => partner.Identity).Where(identity => identity.Role == PartyRole.Csp && (audience is null || audience(identity))),
            record);

    private void Enqueue<TRecord, TRequest, TResponse>(WriteContext write, PushKind<TRecord, TRequest, TResponse> kind, IEnumerable<PartyIdentity> recipients, TRecord record)
        where TRecord : class, IMessage<TRecord>, new()
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var header = kind.HeaderOf(record);
        var payload = record.ToByteArray();
        var now = clock.GetUtcNow();
        foreach (var recipient in recipients)
        {
            outbox.Enqueue(write, recipient.ToString(), kind.Name, header.RecordId, (long)header.Version, payload, now);
        }
    }
}
