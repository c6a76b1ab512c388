using System.Diagnostics;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Limits;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>
/// What one partner can hold with calls: unary calls in progress per partner (Limits:MaxConcurrentCallsPerPartner) and
/// the time the request message has to arrive (Limits:RequestReceiveTimeout). Two extra CSP partners of the CSO call
/// it: one holds calls open by not ending their request bodies, the other must not notice.
/// </summary>
public sealed class CallLimitTests(ITestOutputHelper output)
{
    private const string GetPlatformInfo = "/roaminggrpc.roaming.v1.PlatformService/GetPlatformInfo";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly PartyIdentity Greedy = PartyIdentity.Create(PartyRole.Csp, "DE-XYZ");
    private static readonly PartyIdentity Other = PartyIdentity.Create(PartyRole.Csp, "DE-QRS");

    [Fact]
    public async Task UnaryCalls_MoreThanTheLimitFromOnePartner_ExcessRateLimitedOtherPartnerUnaffected()
    {
        await using var endpoints = await StartCsoAsync(maxCalls: 3, receiveTimeout: "00:01:00");
        using var timeout = new CancellationTokenSource(Deadline);
        var inProgress = endpoints.Cso.Services.GetRequiredService<CallsInProgress>();
        var greedyCertificates = endpoints.Pki.Issue("greedy", PartyRole.Csp, Greedy.PartyId);
        using var raw = new RawGrpcClient(endpoints, greedyCertificates, endpoints.Cso);
        var held = Enumerable.Range(0, 3).Select(_ => new HeldRequest()).ToList();
        var calls = held.Select(body => raw.CallAsync(GetPlatformInfo, body, timeout.Token)).ToList();
        await TwoEndpoints.WaitUntilAsync(() => inProgress.Of(Greedy.ToString()) == 3, Deadline, "the three held calls are in progress on the CSO");
        var greedy = new PlatformService.PlatformServiceClient(endpoints.Channel(greedyCertificates, Greedy, endpoints.Cso));
        var other = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.Pki.Issue("other", PartyRole.Csp, Other.PartyId), Other, endpoints.Cso));

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await greedy.GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline)));
        var unaffected = await other.GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline));
        held.ForEach(body => body.Release());
        var released = new List<StatusCode>();
        foreach (var call in calls)
        {
            using var response = await call;
            released.Add((await RawGrpcClient.StatusOfAsync(response, timeout.Token)).Code);
        }

        await TwoEndpoints.WaitUntilAsync(() => inProgress.Of(Greedy.ToString()) == 0, Deadline, "the released calls ended");
        var afterwards = await greedy.GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        var info = refused.GetRpcStatus()!.GetDetail<ErrorInfo>()!;
        Assert.Equal("RATE_LIMITED", info.Reason);
        Assert.Equal("3", info.Metadata["max_concurrent_calls"]);
        Assert.True(int.Parse(info.Metadata["retry_after_ms"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("DE*ABC", unaffected.Platform.PartyId);
        Assert.Equal([StatusCode.OK, StatusCode.OK, StatusCode.OK], released);
        Assert.Equal("DE*ABC", afterwards.Platform.PartyId);
        Assert.Single(endpoints.Cso.Log.Lines, line => line.Contains("concurrent_calls_cap", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnaryCall_RequestTricklingIn_EndedWithinTheReceiveTimeoutAndFreed()
    {
        await using var endpoints = await StartCsoAsync(maxCalls: 3, receiveTimeout: "00:00:00.500");
        using var timeout = new CancellationTokenSource(Deadline);
        var inProgress = endpoints.Cso.Services.GetRequiredService<CallsInProgress>();
        using var raw = new RawGrpcClient(endpoints, endpoints.Pki.Issue("greedy", PartyRole.Csp, Greedy.PartyId), endpoints.Cso);
        // 100 bytes at one every 100 ms: complete only after 10 s.
        var body = new TricklingRequest(100, TimeSpan.FromMilliseconds(100));

        var clock = Stopwatch.StartNew();
        using var response = await raw.CallAsync(GetPlatformInfo, body, timeout.Token);
        var (code, details) = await RawGrpcClient.StatusOfAsync(response, timeout.Token);
        var answeredAfter = clock.Elapsed;
        var cutOff = await body.Ended.WaitAsync(timeout.Token);
        await TwoEndpoints.WaitUntilAsync(() => inProgress.Of(Greedy.ToString()) == 0, Deadline, "the timed-out call is no longer in progress");
        output.WriteLine($"answered after {answeredAfter.TotalMilliseconds:F0} ms");

        Assert.Equal(StatusCode.DeadlineExceeded, code);
        var info = details!.Details.Single(detail => detail.Is(ErrorInfo.Descriptor)).Unpack<ErrorInfo>();
        Assert.Equal("REQUEST_TIMEOUT", info.Reason);
        Assert.Equal("500", info.Metadata["timeout_ms"]);
        // Not before the receive timeout (the server's clock starts after ours); well before the body would be complete.
        Assert.InRange(answeredAfter, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(6));
        Assert.True(cutOff, "the server ended the request stream: the client stopped sending before the message was complete");
    }

    private async Task<TwoEndpoints> StartCsoAsync(int maxCalls, string receiveTimeout)
    {
        var endpoints = TwoEndpoints.Prepare(output);
        // No CSP endpoint runs: the CSO's own partner is unreachable, the two extra CSPs call it.
        await endpoints.StartCsoAsync(
            new Uri($"https://127.0.0.1:{TwoEndpoints.FreePort()}"),
            new Dictionary<string, string?>
            {
                ["Roaming:Limits:MaxConcurrentCallsPerPartner"] = maxCalls.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Roaming:Limits:RequestReceiveTimeout"] = receiveTimeout,
            },
            morePartners: [(Greedy, null), (Other, null)]);
        return endpoints;
    }
}
