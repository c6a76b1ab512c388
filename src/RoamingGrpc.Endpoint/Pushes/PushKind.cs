using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Storage.Outbox;
using ProtoDelivery = RoamingGrpc.Contracts.V1.Delivery;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// One kind of record a CSO pushes to its CSPs (durable push, <c>CsoUpdateService</c>): its name in the outbox and
/// in the receiver's records, the RPC that carries it, how a record's <see cref="PushedRecord"/> header is read, and
/// the receiver's check. Every push RPC of the contract has the same shape (<c>request_id = 1</c>, <c>repeated
/// XxxUpdate updates = 2</c> of <c>Delivery delivery = 1</c> and the record <c>= 2</c>; <c>repeated DeliveryResult
/// results = 1</c>), so the sender (<see cref="OutboxRelay"/>) and the receiver (<see cref="PushReceiver"/>) serve
/// every kind from its entry in <see cref="PushKinds"/>.
/// </summary>
internal abstract class PushKind(string name, string rpcName)
{
    /// <summary>The kind's name in the outbox and in the receiver's records (<c>site</c>, <c>sdr</c>, ...).</summary>
    public string Name { get; } = name;

    /// <summary>The <c>CsoUpdateService</c> RPC that carries this kind.</summary>
    public string RpcName { get; } = rpcName;

    /// <summary>The header of a record of this kind, read from its payload.</summary>
    public abstract PushedRecord HeaderOf(byte[] payload);

    /// <summary>Pushes <paramref name="entries"/> in one call and returns the partner's results.</summary>
    public abstract Task<IReadOnlyList<DeliveryResult>> SendAsync(CallInvoker invoker, string requestId, IReadOnlyList<OutboxEntry> entries, CallOptions options);

    /// <summary>The delivery header of an outbox entry.</summary>
    protected static ProtoDelivery DeliveryOf(OutboxEntry entry) => new()
    {
        DeliveryId = entry.DeliveryId,
        EntityVersion = (ulong)entry.EntityVersion,
        EnqueueTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(entry.EnqueueTime)),
    };
}

/// <summary>A <see cref="PushKind"/> of records <typeparamref name="TRecord"/> pushed with <typeparamref name="TRequest"/>.</summary>
/// <typeparam name="TRecord">The pushed record (Site, Tariff, ...).</typeparam>
/// <typeparam name="TRequest">The RPC's request (PushSiteUpdatesRequest, ...).</typeparam>
/// <typeparam name="TResponse">The RPC's response.</typeparam>
internal sealed class PushKind<TRecord, TRequest, TResponse> : PushKind
    where TRecord : class, IMessage<TRecord>, new()
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private static readonly MessageParser<TRecord> RecordParser = new(() => new TRecord());
    private static readonly FieldDescriptor RequestId = Field(new TRequest().Descriptor, 1, "request_id");
    private static readonly FieldDescriptor Updates = Field(new TRequest().Descriptor, 2, "updates");
    private static readonly FieldDescriptor Results = Field(new TResponse().Descriptor, 1, "results");
    private static readonly MessageDescriptor UpdateType = Updates.MessageType;
    private static readonly FieldDescriptor UpdateDelivery = Field(UpdateType, 1, "delivery");
    private static readonly FieldDescriptor UpdateRecord = Field(UpdateType, 2, null);

    private readonly Func<TRecord, PushedRecord> _header;
    private readonly Func<TRecord, PushContext, TRecord> _check;
    private readonly Method<TRequest, TResponse> _method;

    /// <param name="name">The kind's name in the outbox and the receiver's records.</param>
    /// <param name="rpcName">The <c>CsoUpdateService</c> RPC carrying it.</param>
    /// <param name="header">Reads a record's id, version, tombstone flag and update time.</param>
    /// <param name="check">
    /// The receiver's check of one pushed record: throws a <c>RoamingException</c> to refuse it (answered as
    /// REJECTED with the reason; the rest of the batch still applies), else returns the record as the receiver stores it.
    /// </param>
    public PushKind(string name, string rpcName, Func<TRecord, PushedRecord> header, Func<TRecord, PushContext, TRecord> check)
        : base(name, rpcName)
    {
        _header = header;
        _check = check;
        var method = CsoUpdateService.Descriptor.FindMethodByName(rpcName)
            ?? throw new ArgumentException($"CsoUpdateService has no RPC {rpcName}.", nameof(rpcName));
        if (method.InputType.ClrType != typeof(TRequest) || method.OutputType.ClrType != typeof(TResponse) || UpdateRecord.MessageType.ClrType != typeof(TRecord))
        {
            throw new ArgumentException($"{rpcName} does not carry {typeof(TRecord).Name} in {typeof(TRequest).Name}.", nameof(rpcName));
        }

        var requests = new MessageParser<TRequest>(() => new TRequest());
        var responses = new MessageParser<TResponse>(() => new TResponse());
        _method = new Method<TRequest, TResponse>(
            MethodType.Unary,
            CsoUpdateService.Descriptor.FullName,
            rpcName,
            Marshallers.Create(request => request.ToByteArray(), requests.ParseFrom),
            Marshallers.Create(response => response.ToByteArray(), responses.ParseFrom));
    }

    /// <summary>The header of <paramref name="record"/>.</summary>
    public PushedRecord HeaderOf(TRecord record) => _header(record);

    /// <inheritdoc />
    public override PushedRecord HeaderOf(byte[] payload) => _header(RecordParser.ParseFrom(payload));

    /// <summary>The receiver's check of one pushed record (throws to refuse it): the record as the receiver stores it.</summary>
    public TRecord Check(TRecord record, PushContext context) => _check(record, context);

    /// <summary>The request id and the (delivery, record) pairs of a push, in order; a record may be missing.</summary>
    public static (string RequestId, IReadOnlyList<(ProtoDelivery? Delivery, TRecord? Record)> Updates) Read(TRequest request)
    {
        var updates = ((System.Collections.IList)Updates.Accessor.GetValue(request)).Cast<IMessage>()
            .Select(update => ((ProtoDelivery?)UpdateDelivery.Accessor.GetValue(update), (TRecord?)UpdateRecord.Accessor.GetValue(update)))
            .ToList();
        return ((string)RequestId.Accessor.GetValue(request), updates);
    }

    /// <summary>The response carrying <paramref name="results"/>.</summary>
    public static TResponse Answer(IEnumerable<DeliveryResult> results)
    {
        var response = new TResponse();
        ((RepeatedField<DeliveryResult>)Results.Accessor.GetValue(response)).AddRange(results);
        return response;
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<DeliveryResult>> SendAsync(CallInvoker invoker, string requestId, IReadOnlyList<OutboxEntry> entries, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(entries);
        var request = new TRequest();
        RequestId.Accessor.SetValue(request, requestId);
        var updates = (System.Collections.IList)Updates.Accessor.GetValue(request);
        foreach (var entry in entries)
        {
            var update = UpdateType.Parser.ParseFrom(ByteString.Empty);
            UpdateDelivery.Accessor.SetValue(update, DeliveryOf(entry));
            UpdateRecord.Accessor.SetValue(update, RecordParser.ParseFrom(entry.Payload));
            updates.Add(update);
        }

        var response = await invoker.AsyncUnaryCall(_method, null, options, request).ResponseAsync.ConfigureAwait(false);
        return (RepeatedField<DeliveryResult>)Results.Accessor.GetValue(response);
    }

    private static FieldDescriptor Field(MessageDescriptor message, int number, string? name) =>
        message.FindFieldByNumber(number) is { } field && (name is null || field.Name == name)
            ? field
            : throw new ArgumentException($"{message.FullName} has no field {name ?? "record"} = {number}; every push RPC has the same shape.");
}
