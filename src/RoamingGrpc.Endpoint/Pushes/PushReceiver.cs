using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage.PartnerData;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// The CSP's receiver of CSO pushes, for every <see cref="PushKinds"/> entry: each entry of a batch applies once
/// (deduplicated by delivery id, per sender) and only if it is newer than what is held (per-record version); an entry
/// the kind's check refuses is answered REJECTED with its reason while the rest of the batch applies. The batch as a
/// whole is idempotent by its request id.
/// </summary>
internal sealed class PushReceiver(IReceivedRecords received, IdempotentWriter writer, EndpointSettings endpoint, TimeProvider clock)
{
    /// <summary>Most entries in one push.</summary>
    public const int MaxBatch = 500;

    /// <summary>Applies a push of <paramref name="kind"/> from the calling CSO; one result per entry, in order.</summary>
    public Task<TResponse> ReceiveAsync<TRecord, TRequest, TResponse>(PushKind<TRecord, TRequest, TResponse> kind, TRequest request, ServerCallContext context)
        where TRecord : class, IMessage<TRecord>, new()
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(context);
        var cso = context.Caller();
        var (requestId, updates) = PushKind<TRecord, TRequest, TResponse>.Read(request);
        RequestFields.RequestId(requestId);
        if (updates.Count is 0 or > MaxBatch)
        {
            throw RoamingErrors.InvalidField("updates", ErrorReason.BatchTooLarge, $"must hold 1 to {MaxBatch} entries (was {updates.Count})");
        }

        for (var i = 0; i < updates.Count; i++)
        {
            RequestFields.RequestId(updates[i].Delivery?.DeliveryId, $"updates[{i}].delivery.delivery_id");
        }

        var push = new PushContext(cso, endpoint.Identity);
        var parser = new MessageParser<TResponse>(() => new TResponse());
        return writer.ExecuteAsync(
            cso,
            context.Method,
            requestId,
            request,
            parser,
            write =>
            {
                var now = clock.GetUtcNow();
                var results = updates.Select(update => Receive(write, kind, push, update.Delivery!, update.Record, now)).ToList();
                return PushKind<TRecord, TRequest, TResponse>.Answer(results);
            },
            context.CancellationToken);
    }

    private DeliveryResult Receive<TRecord, TRequest, TResponse>(
        WriteContext write, PushKind<TRecord, TRequest, TResponse> kind, PushContext push, Contracts.V1.Delivery delivery, TRecord? record, DateTimeOffset now)
        where TRecord : class, IMessage<TRecord>, new()
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var sender = push.Sender.ToString();
        if (received.DeliveryOutcome(write, sender, delivery.DeliveryId) is { } earlier)
        {
            // A refusal is answered again as the refusal (the sender may not have parked it yet); anything applied or
            // superseded before is a duplicate now.
            return earlier.Outcome == (long)DeliveryOutcome.Rejected
                ? new DeliveryResult
                {
                    DeliveryId = delivery.DeliveryId,
                    Outcome = DeliveryOutcome.Rejected,
                    ErrorReason = (ErrorReason)earlier.ErrorReason,
                    ErrorDetail = "refused before: " + RoamingErrors.ReasonName((ErrorReason)earlier.ErrorReason),
                }
                : new DeliveryResult { DeliveryId = delivery.DeliveryId, Outcome = DeliveryOutcome.Duplicate };
        }

        var result = Apply(write, kind, push, delivery, record, now);
        received.RecordDelivery(write, sender, new DeliveryRecord(result.DeliveryId, (long)result.Outcome, (long)result.ErrorReason), now);
        return result;
    }

    private DeliveryResult Apply<TRecord, TRequest, TResponse>(
        WriteContext write, PushKind<TRecord, TRequest, TResponse> kind, PushContext push, Contracts.V1.Delivery delivery, TRecord? record, DateTimeOffset now)
        where TRecord : class, IMessage<TRecord>, new()
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        PushedRecord header;
        TRecord stored;
        try
        {
            if (record is null)
            {
                throw RoamingErrors.MissingField(UpdateRecordName(kind));
            }

            stored = kind.Check(record, push);
            header = kind.HeaderOf(stored);
            if (header.Version == 0 || header.Version != delivery.EntityVersion)
            {
                throw RoamingErrors.InvalidField("version", ErrorReason.InvalidField, "must be positive and equal delivery.entity_version");
            }
        }
        catch (RoamingException refusal)
        {
            // A refused entry is answered, not thrown: the rest of the batch still applies.
            return new DeliveryResult { DeliveryId = delivery.DeliveryId, Outcome = DeliveryOutcome.Rejected, ErrorReason = refusal.Reason, ErrorDetail = refusal.Message };
        }

        var held = received.VersionOf(write, push.Sender.PartyId, kind.Name, header.RecordId);
        if (held is { } version && version >= (long)header.Version)
        {
            return new DeliveryResult { DeliveryId = delivery.DeliveryId, Outcome = DeliveryOutcome.Superseded };
        }

        received.Save(
            write,
            new ReceivedRecord(
                push.Sender.PartyId,
                kind.Name,
                header.RecordId,
                (long)header.Version,
                header.UpdateTime?.ToDateTimeOffset().ToUnixTimeMilliseconds() ?? 0,
                header.Removed ? 1 : 0,
                stored.ToByteArray()),
            now);
        return new DeliveryResult { DeliveryId = delivery.DeliveryId, Outcome = DeliveryOutcome.Applied };
    }

    // The record field's name in the update message (site, tariff, ...), for a missing-field refusal.
    private static string UpdateRecordName(PushKind kind) =>
        CsoUpdateService.Descriptor.FindMethodByName(kind.RpcName).InputType.FindFieldByNumber(2).MessageType.FindFieldByNumber(2).Name;
}
