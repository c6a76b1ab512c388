using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Google.Rpc;
using Grpc.Core;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Hole 5: a registered partner holds unary calls open by sending their request one byte a second, on 2 HTTP/2
/// connections with <see cref="AbuseOptions.SlowCallsPerConnection"/> calls each (more in all than
/// <c>Limits:MaxConcurrentCallsPerPartner</c>, 200); every call that ends is started again (after a second when it was
/// refused), so the pressure holds for the whole attack. Checks: each trickling call is ended with
/// <c>DEADLINE_EXCEEDED</c> / <c>REQUEST_TIMEOUT</c> within <c>Limits:RequestReceiveTimeout</c> + 2 s, the calls past
/// the cap get <c>RESOURCE_EXHAUSTED</c> / <c>RATE_LIMITED</c>, nothing else is answered; a call ended by a reset of its
/// connection (Kestrel's minimum data rate over the connection) must have ended within the same bound.
/// </summary>
internal sealed class SlowRequestBodies(Attacker attacker, X509Certificate2 partnerCertificate, AbuseOptions options, int maxCallsPerPartner) : IAttack
{
    private const string Method = "/roaminggrpc.roaming.v1.PlatformService/GetPlatformInfo";
    private const int Connections = 2;
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    public string Name => "slow-bodies";

    public string Title => "unary requests sent one byte a second, 2 connections";

    public string Size => $"{Connections * options.SlowCallsPerConnection} calls held ({Connections} x {options.SlowCallsPerConnection})";

    public int LogLineBound(TimeSpan duration, TimeSpan refusalLogInterval) => LogBudget.Refusals(1, duration, refusalLogInterval);

    public async Task<AttackOutcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var outcome = new AttackOutcome();
        outcome.ExpectedRefusals.Add("receive_timeout");
        var held = Connections * options.SlowCallsPerConnection;
        if (held > maxCallsPerPartner)
        {
            outcome.ExpectedRefusals.Add("concurrent_calls_cap");
        }

        long timedOut = 0, rateLimited = 0, transportFailures = 0;
        string? firstTransportFailure = null;
        var slowestTimeout = TimeSpan.Zero;
        var slowestReset = TimeSpan.Zero;
        var gate = new Lock();
        var other = new System.Collections.Concurrent.ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var clients = Enumerable.Range(0, Connections)
            .Select(_ => new HttpClient(attacker.Handler(Attacker.PartnerSource, partnerCertificate)) { BaseAddress = attacker.Target, Timeout = Timeout.InfiniteTimeSpan })
            .ToList();
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var slots = clients.SelectMany(client => Enumerable.Range(0, options.SlowCallsPerConnection).Select(_ => SlotAsync(client, stop.Token))).ToList();
            await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(slots).ConfigureAwait(false);
        }
        finally
        {
            clients.ForEach(client => client.Dispose());
        }

        foreach (var (answer, count) in other)
        {
            outcome.Violation($"{count} trickling calls answered {answer} (expected DEADLINE_EXCEEDED / REQUEST_TIMEOUT or RESOURCE_EXHAUSTED / RATE_LIMITED)");
        }

        outcome.Check(timedOut > 0, "no trickling call was ended with REQUEST_TIMEOUT");
        outcome.Check(held <= maxCallsPerPartner || rateLimited > 0, $"{held} calls held by one partner, but none was refused RATE_LIMITED (cap {maxCallsPerPartner})");
        outcome.Check(slowestTimeout <= options.ReceiveTimeout + Grace, $"a trickling call was ended after {slowestTimeout.TotalSeconds:F1} s (bound: the receive timeout {options.ReceiveTimeout.TotalSeconds:F0} s + {Grace.TotalSeconds:F0} s)");
        outcome.Check(slowestReset <= options.ReceiveTimeout + Grace, $"a trickling call was ended by a reset after {slowestReset.TotalSeconds:F1} s (bound: the receive timeout {options.ReceiveTimeout.TotalSeconds:F0} s + {Grace.TotalSeconds:F0} s): {firstTransportFailure}");
        outcome.Done = string.Create(CultureInfo.InvariantCulture, $"{timedOut} REQUEST_TIMEOUT (slowest after {slowestTimeout.TotalSeconds:F1} s), {rateLimited} RATE_LIMITED, {transportFailures} ended by a connection reset (slowest after {slowestReset.TotalSeconds:F1} s)");
        return outcome;

        async Task SlotAsync(HttpClient client, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                string answer;
                try
                {
                    answer = await CallAsync(client, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException && stop.IsCancellationRequested)
                {
                    return; // the attack's end cancelled the call
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    // The connection was reset under the call: presumably Kestrel's minimum request body data rate
                    // (240 bytes/s over a connection, after a 5 s grace), which the connection's trickling streams
                    // together stay below. The call ended, without a status; when it ended is checked as for a status.
                    Interlocked.Increment(ref transportFailures);
                    firstTransportFailure ??= ex.Message;
                    var lived = Stopwatch.GetElapsedTime(started);
                    lock (gate)
                    {
                        slowestReset = lived > slowestReset ? lived : slowestReset;
                    }

                    continue;
                }

                var took = Stopwatch.GetElapsedTime(started);
                if (answer == "DeadlineExceeded / REQUEST_TIMEOUT")
                {
                    Interlocked.Increment(ref timedOut);
                    lock (gate)
                    {
                        slowestTimeout = took > slowestTimeout ? took : slowestTimeout;
                    }
                }
                else if (answer == "ResourceExhausted / RATE_LIMITED")
                {
                    Interlocked.Increment(ref rateLimited);
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                else
                {
                    other.AddOrUpdate(answer, 1, (_, count) => count + 1);
                }
            }
        }
    }

    // The call's gRPC status as "Code / REASON".
    private static async Task<string> CallAsync(HttpClient client, CancellationToken stop)
    {
        using var body = new TricklingBody(100, TimeSpan.FromSeconds(1));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Method, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop).ConfigureAwait(false);
        await response.Content.ReadAsByteArrayAsync(stop).ConfigureAwait(false); // to the trailers
        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
        if (!headers.TryGetValues("grpc-status", out var statuses))
        {
            return $"HTTP {(int)response.StatusCode} without grpc-status";
        }

        var code = (StatusCode)int.Parse(statuses.Single(), CultureInfo.InvariantCulture);
        var reason = "no reason";
        if (headers.TryGetValues("grpc-status-details-bin", out var details))
        {
            var text = details.Single();
            var padded = text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '=');
            reason = Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(padded)).Details
                .FirstOrDefault(detail => detail.Is(ErrorInfo.Descriptor))?.Unpack<ErrorInfo>().Reason ?? reason;
        }

        return $"{code} / {reason}";
    }
}
