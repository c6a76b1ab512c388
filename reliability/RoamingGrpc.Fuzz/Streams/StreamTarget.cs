using Google.Protobuf;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Fuzz.Streams;

/// <summary>
/// The resumable streams' consumer messages (WatchEvseStatus, WatchChargingInfo) through the stream engine that serves
/// them (<see cref="LogStreamSession{TRequest, TResponse, TEntry}"/> with the RPC's protocol) over the production
/// SQLite logs (<see cref="StreamLogs"/>). Input: the first byte's low bit picks the RPC, the rest is the consumer's
/// messages, each length-delimited (a varint length, then the message). Besides "no exception but a typed refusal",
/// the engine must refuse an ack or nack of a sequence it never sent, and a heartbeat never reports an acknowledgement
/// beyond what was sent.
/// </summary>
internal sealed class StreamTarget(StreamLogs logs) : FuzzTarget
{
    /// <summary>Most consumer messages one input sends.</summary>
    public const int MaxMessages = 64;

    public override string Name => "streams";

    /// <summary>The input of <paramref name="messages"/> on WatchEvseStatus (false) or WatchChargingInfo (true).</summary>
    public static byte[] Input(bool chargingInfo, params IMessage[] messages)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte(chargingInfo ? (byte)1 : (byte)0);
        foreach (var message in messages)
        {
            message.WriteDelimitedTo(buffer);
        }

        return buffer.ToArray();
    }

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return FuzzOutcome.Refused("empty input");
        }

        var chunks = Split(input[1..]);
        return (input[0] & 1) == 0
            ? Serve(
                chunks,
                WatchEvseStatusRequest.Parser,
                new StatusStreamProtocol(logs.Statuses, StreamLogs.Cso),
                (IChangeLog<StatusEntry>)logs.Statuses,
                StoreChanges.StatusLog,
                request => request.KindCase switch
                {
                    WatchEvseStatusRequest.KindOneofCase.Ack => request.Ack.Sequence,
                    WatchEvseStatusRequest.KindOneofCase.Nack => request.Nack.Sequence,
                    _ => null,
                },
                Sequences)
            : Serve(
                chunks,
                WatchChargingInfoRequest.Parser,
                new ChargingInfoProtocol(logs.Sessions, StreamLogs.Provider),
                (IChangeLog<ChargingInfoEntry>)logs.Sessions,
                StoreChanges.ChargingLog,
                request => request.KindCase switch
                {
                    WatchChargingInfoRequest.KindOneofCase.Ack => request.Ack.Sequence,
                    WatchChargingInfoRequest.KindOneofCase.Nack => request.Nack.Sequence,
                    _ => null,
                },
                Sequences);
    }

    private FuzzOutcome Serve<TRequest, TResponse, TEntry>(
        List<byte[]> chunks,
        MessageParser<TRequest> parser,
        LogStreamProtocol<TRequest, TResponse, TEntry> protocol,
        IChangeLog<TEntry> log,
        StoreChanges change,
        Func<TRequest, ulong?> acknowledged,
        Func<TResponse, (ulong Sent, ulong? AckedInHeartbeat)> sequences)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class
        where TEntry : ILogEntry
    {
        var clock = new LockstepClock(StreamLogs.Start + TimeSpan.FromDays(1));
        using var requests = new ScriptedRequests<TRequest>([.. chunks.Select(chunk => (Func<TRequest>)(() => parser.ParseFrom(chunk)))]);
        var responses = new RecordedResponses<TResponse>();
        ulong highestSent = 0;
        string? unsentAck = null;
        responses.OnWrite = message =>
        {
            var (sent, acked) = sequences(message);
            highestSent = Math.Max(highestSent, sent);
            ContractViolationException.Require(acked is null || acked <= highestSent, $"a heartbeat reports sequence {acked} acknowledged, but only up to {highestSent} was sent");
        };
        requests.OnDeliver = message =>
        {
            if (acknowledged(message) is { } sequence && sequence > highestSent && requests.Delivered > 1)
            {
                unsentAck ??= $"the consumer acknowledged sequence {sequence} with only up to {highestSent} sent";
            }
        };
        clock.BeforeWait = requests.Release;

        var options = new StreamOptions();
        var session = new LogStreamSession<TRequest, TResponse, TEntry>(
            log, protocol, logs.Notifier, change, options, logs.Metrics, "fuzz", clock, requests, responses, CancellationToken.None);
        var run = Task.Run(session.RunAsync);
        var finished = Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))).GetAwaiter().GetResult() == run;
        requests.Close();
        ContractViolationException.Require(finished, $"the stream did not end after {requests.Delivered} of {chunks.Count} messages");
        if (run.IsFaulted)
        {
            var error = run.Exception!.InnerException!;
            return error switch
            {
                RoamingException refusal => FuzzOutcome.Refused($"{refusal.Kind} {refusal.Reason}: {refusal.Message}"),
                InvalidProtocolBufferException => FuzzOutcome.Refused(error),
                _ => throw new ContractViolationException($"the stream failed with {error.GetType().Name}", error),
            };
        }

        ContractViolationException.Require(unsentAck is null, $"{unsentAck}, and the stream went on");
        return FuzzOutcome.Success($"{responses.Written.Count} message(s) sent for {requests.Delivered} received");
    }

    // The highest sequence a response carries (as sent), and the acknowledged sequence a heartbeat reports.
    private static (ulong, ulong?) Sequences(WatchEvseStatusResponse response) => response.KindCase switch
    {
        WatchEvseStatusResponse.KindOneofCase.Opened => (response.Opened.ResumeAfterSequence, null),
        WatchEvseStatusResponse.KindOneofCase.SnapshotEnd => (response.SnapshotEnd.Sequence, null),
        WatchEvseStatusResponse.KindOneofCase.Event => (response.Event.Sequence, null),
        WatchEvseStatusResponse.KindOneofCase.Events => (response.Events.Events.Select(e => e.Sequence).DefaultIfEmpty().Max(), null),
        WatchEvseStatusResponse.KindOneofCase.Heartbeat => (0, response.Heartbeat.AckedSequence),
        _ => (0, null),
    };

    private static (ulong, ulong?) Sequences(WatchChargingInfoResponse response) => response.KindCase switch
    {
        WatchChargingInfoResponse.KindOneofCase.Opened => (response.Opened.ResumeAfterSequence, null),
        WatchChargingInfoResponse.KindOneofCase.SnapshotEnd => (response.SnapshotEnd.Sequence, null),
        WatchChargingInfoResponse.KindOneofCase.Event => (response.Event.Sequence, null),
        WatchChargingInfoResponse.KindOneofCase.Heartbeat => (0, response.Heartbeat.AckedSequence),
        _ => (0, null),
    };

    // The length-delimited messages of an input; a length past the end takes what is left (a truncated message).
    private static List<byte[]> Split(ReadOnlySpan<byte> data)
    {
        var chunks = new List<byte[]>();
        var position = 0;
        while (position < data.Length && chunks.Count < MaxMessages)
        {
            ulong length = 0;
            var shift = 0;
            byte b;
            do
            {
                b = data[position++];
                length |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0 && position < data.Length && shift < 64);

            var take = (int)Math.Min(length, (ulong)(data.Length - position));
            chunks.Add(data.Slice(position, take).ToArray());
            position += take;
        }

        return chunks;
    }
}
