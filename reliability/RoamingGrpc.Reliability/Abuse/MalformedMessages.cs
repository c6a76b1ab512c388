using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Hole 4 with undecodable requests from a registered partner (its own certificate, on one connection): unary calls
/// of <c>PlatformService.GetPlatformInfo</c> and <c>SiteService.GetSite</c> whose message is, in turn, an unknown
/// field of groups nested 200 deep (past the decoder's limit of 100), a field of wire type 7 (there is none), and a
/// length-delimited field announcing 255 bytes with none following; <see cref="AbuseOptions.MalformedRate"/> a second,
/// 8 at once. Checks: every call answered <c>INVALID_ARGUMENT</c> / <c>MALFORMED_MESSAGE</c> (the issue saw
/// <c>UNKNOWN</c> and a stack trace per call), counted as <c>malformed_message</c>, the log within the bound.
/// </summary>
internal sealed class MalformedMessages(GrpcChannel partner, AbuseOptions options) : IAttack
{
    private const int Concurrency = 8;

    private static readonly Method<byte[], byte[]>[] Methods =
    [
        Bytes("roaminggrpc.roaming.v1.PlatformService", "GetPlatformInfo"),
        Bytes("roaminggrpc.roaming.v1.SiteService", "GetSite"),
    ];

    private static readonly byte[][] Payloads = [NestedGroups(200), [0x0F, 0x01], [0x0A, 0xFF, 0x01]];

    public string Name => "malformed";

    public string Title => "undecodable requests from a registered partner";

    public string Size => $"{options.MalformedRate.ToString("0", CultureInfo.InvariantCulture)}/s, {Concurrency} at once";

    public int LogLineBound(TimeSpan duration, TimeSpan refusalLogInterval) => LogBudget.Refusals(1, duration, refusalLogInterval);

    public async Task<AttackOutcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var outcome = new AttackOutcome();
        outcome.ExpectedRefusals.Add("malformed_message");
        var invoker = partner.CreateCallInvoker();
        long calls = 0, malformed = 0;
        var other = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        long next = -1;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                var due = TimeSpan.FromSeconds(n / options.MalformedRate) - clock.Elapsed;
                try
                {
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, stop.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var answer = await CallAsync(invoker, Methods[n % Methods.Length], Payloads[(n / Methods.Length) % Payloads.Length]).ConfigureAwait(false);
                Interlocked.Increment(ref calls);
                if (answer is null)
                {
                    Interlocked.Increment(ref malformed);
                }
                else
                {
                    other.AddOrUpdate(answer, 1, (_, count) => count + 1);
                }
            }
        }).ToList();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);

        foreach (var (answer, count) in other)
        {
            outcome.Violation($"{count} undecodable requests answered {answer} (expected INVALID_ARGUMENT / MALFORMED_MESSAGE)");
        }

        outcome.Check(malformed > 0, "no undecodable request was answered MALFORMED_MESSAGE");
        outcome.Done = string.Create(CultureInfo.InvariantCulture, $"{calls} calls: {malformed} INVALID_ARGUMENT / MALFORMED_MESSAGE");
        return outcome;
    }

    // Null when answered INVALID_ARGUMENT / MALFORMED_MESSAGE; otherwise what it was answered.
    private static async Task<string?> CallAsync(CallInvoker invoker, Method<byte[], byte[]> method, byte[] payload)
    {
        try
        {
            await invoker.AsyncUnaryCall(method, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(10)), payload).ConfigureAwait(false);
            return "OK";
        }
        catch (RpcException ex)
        {
            var reason = ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? "no reason";
            return ex.StatusCode == StatusCode.InvalidArgument && reason == "MALFORMED_MESSAGE" ? null : $"{ex.StatusCode} / {reason}";
        }
    }

    private static Method<byte[], byte[]> Bytes(string service, string name) =>
        new(MethodType.Unary, service, name, Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    // An unknown field (number 1000) holding a group holding a group ... `depth` deep: valid wire format, which the
    // decoder must walk level by level.
    private static byte[] NestedGroups(int depth)
    {
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        for (var level = 0; level < depth; level++)
        {
            output.WriteTag(1000, WireFormat.WireType.StartGroup);
        }

        for (var level = 0; level < depth; level++)
        {
            output.WriteTag(1000, WireFormat.WireType.EndGroup);
        }

        output.Flush();
        return bytes.ToArray();
    }
}
