using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>UC3-6 over WatchChargingInfo: resumable without gap or duplicate, and scoped to the caller's sessions.</summary>
public sealed class ChargingInfoStreamTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stream_CutMidSessionAndResumed_NoGapNoDuplicate_OtherCspSeesNothingOfIt()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var otherStream = await OpenAsync(network.OtherCharging, resumeAfter: null);
        var started = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "s", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "u1", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());
        var sessionId = started.Session.SessionId;
        var stream = await OpenAsync(network.Charging, resumeAfter: 0, maxInFlight: 100);
        await network.EventAsync(sessionId, SessionEventType.Started, t0, 0, started.CommandId);
        for (var minute = 1; minute <= 5; minute++)
        {
            await network.MeterAsync(sessionId, t0.AddMinutes(minute), minute * 0.5, 30, 20 + minute);
        }

        // Apply the first four events, ack them, and cut the connection.
        var applied = new List<ChargingInfoStreamEvent>();
        while (applied.Count < 4)
        {
            applied.Add(await NextEventAsync(stream));
        }

        await stream.RequestStream.WriteAsync(new WatchChargingInfoRequest { Ack = new StreamAck { Sequence = applied[^1].Sequence } });
        stream.Dispose();
        for (var minute = 6; minute <= 8; minute++)
        {
            await network.MeterAsync(sessionId, t0.AddMinutes(minute), minute * 0.5, 30, 20 + minute);
        }

        using var resumed = await OpenAsync(network.Charging, resumeAfter: applied[^1].Sequence, maxInFlight: 100);
        while (!(applied[^1].ChargingInfo is { EnergyKwh: 4 }))
        {
            var next = await NextEventAsync(resumed);
            Assert.True(next.Sequence > applied[^1].Sequence, $"sequence {next.Sequence} after {applied[^1].Sequence}: a duplicate or reordering");
            applied.Add(next);
        }

        var infos = applied.Where(e => e.ChargingInfo is not null).Select(e => e.ChargingInfo).ToList();
        var commandResults = applied.Where(e => e.CommandResult is not null).Select(e => e.CommandResult).ToList();
        // PENDING, ACTIVE, then every meter value in order: nothing lost, nothing twice.
        Assert.Equal([SessionState.Pending, SessionState.Active], infos.Take(2).Select(info => info.State));
        Assert.Equal([0, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4], infos.Select(info => info.EnergyKwh));
        Assert.Equal([(started.CommandId, CommandResultType.Started)], commandResults.Select(result => (result.CommandId, result.Result)));
        Assert.Equal(28, infos[^1].StateOfCharge);
        Assert.Equal(30, infos[^1].PowerKw);
        Assert.All(infos, info => Assert.Equal(sessionId, info.SessionId));

        // The other CSP's live stream carried none of it: its next message is a heartbeat or nothing at all.
        await network.MeterAsync(sessionId, t0.AddMinutes(9), 4.5, 30);
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var otherSaw = new List<WatchChargingInfoResponse>();
        try
        {
            while (await otherStream.ResponseStream.MoveNext(quiet.Token))
            {
                otherSaw.Add(otherStream.ResponseStream.Current);
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            // The 2 s observation window ended.
        }

        Assert.DoesNotContain(otherSaw, message => message.KindCase == WatchChargingInfoResponse.KindOneofCase.Event);
        otherStream.Dispose();
    }

    [Fact]
    public async Task Stream_Snapshot_OpenSessionsOfCallerOnly()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var mine = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "a", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "u1", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());
        await network.OtherCharging.StartSessionAsync(new StartSessionRequest { RequestId = "b", EvseId = ChargingNetwork.SecondEvseId, Token = new TokenRef { Uid = "z1", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());

        using var stream = network.Charging.WatchChargingInfo(deadline: ChargingNetwork.Soon());
        await stream.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = new WatchChargingInfoStart { Snapshot = true } });
        var messages = new List<WatchChargingInfoResponse>();
        while (messages.Count == 0 || messages[^1].KindCase != WatchChargingInfoResponse.KindOneofCase.SnapshotEnd)
        {
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            messages.Add(stream.ResponseStream.Current);
        }

        Assert.Equal([mine.Session.SessionId], messages.Where(m => m.SnapshotItem is not null).Select(m => m.SnapshotItem.SessionId));
        Assert.Equal(1U, messages[^1].SnapshotEnd.ItemCount);
    }

    private static async Task<AsyncDuplexStreamingCall<WatchChargingInfoRequest, WatchChargingInfoResponse>> OpenAsync(ChargingService.ChargingServiceClient client, ulong? resumeAfter, uint maxInFlight = 4)
    {
        var call = client.WatchChargingInfo(deadline: ChargingNetwork.Soon());
        var start = new WatchChargingInfoStart { MaxInFlight = maxInFlight };
        if (resumeAfter is { } cursor)
        {
            start.ResumeAfterSequence = cursor;
        }

        await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = start });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(WatchChargingInfoResponse.KindOneofCase.Opened, call.ResponseStream.Current.KindCase);
        return call;
    }

    private static async Task<ChargingInfoStreamEvent> NextEventAsync(AsyncDuplexStreamingCall<WatchChargingInfoRequest, WatchChargingInfoResponse> call)
    {
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (call.ResponseStream.Current.Event is { } streamEvent)
            {
                await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Ack = new StreamAck { Sequence = streamEvent.Sequence } });
                return streamEvent;
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }
}
