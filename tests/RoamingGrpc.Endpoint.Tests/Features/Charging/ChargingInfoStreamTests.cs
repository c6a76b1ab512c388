using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>
/// UC3-6 over WatchChargingInfo: resumable without gap or duplicate, meter updates at most one per min_update_interval
/// (the newest), state changes at once, and scoped to the caller's sessions.
/// </summary>
public sealed class ChargingInfoStreamTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Stream_CutMidSessionAndResumed_NoGapNoDuplicate_OtherCspSeesNothingOfIt()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await ChargingNetwork.StartAsync(output, csoServices: services => services.AddSingleton<TimeProvider>(clock));
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

        // PENDING, ACTIVE and the start's outcome come at once; the meter values wait for the default interval (5 s)
        // after ACTIVE, which the CSO's clock never reaches on this connection. Apply and ack the three, and cut.
        var applied = new List<ChargingInfoStreamEvent>();
        while (applied.Count < 3)
        {
            applied.Add(await NextEventAsync(stream));
        }

        stream.Dispose();
        for (var minute = 6; minute <= 8; minute++)
        {
            await network.MeterAsync(sessionId, t0.AddMinutes(minute), minute * 0.5, 30, 20 + minute);
        }

        // Resumed after the last ack: the held-back meter values were not covered by it. The session's first charging
        // information on the new stream comes at once, the newest of the others when the interval has passed.
        using var resumed = await OpenAsync(network.Charging, resumeAfter: applied[^1].Sequence, maxInFlight: 100);
        applied.Add(await NextEventAsync(resumed));
        clock.Advance(TimeSpan.FromSeconds(5));
        applied.Add(await NextEventAsync(resumed));

        var infos = applied.Where(e => e.ChargingInfo is not null).Select(e => e.ChargingInfo).ToList();
        var commandResults = applied.Where(e => e.CommandResult is not null).Select(e => e.CommandResult).ToList();
        // Nothing acked came twice, every state change came, and the last measurement arrived.
        Assert.True(applied.Zip(applied.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence), "a duplicate or a reordering: " + string.Join(", ", applied.Select(e => e.Sequence)));
        Assert.Equal([SessionState.Pending, SessionState.Active, SessionState.Active, SessionState.Active], infos.Select(info => info.State));
        Assert.Equal([0, 0, 0.5, 4], infos.Select(info => info.EnergyKwh));
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
    public async Task Stream_MeterValuesWithinInterval_NewestSentWhenIntervalPassed_StateChangeNotDelayed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await ChargingNetwork.StartAsync(output, csoServices: services => services.AddSingleton<TimeProvider>(clock));
        var t0 = ChargingNetwork.SessionStart();
        var first = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "a", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "u1", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());
        var sessionId = first.Session.SessionId;
        await network.EventAsync(sessionId, SessionEventType.Started, t0, 0, first.CommandId);
        using var stream = await OpenAsync(network.Charging, resumeAfter: null, maxInFlight: 100, minUpdateInterval: TimeSpan.FromSeconds(10));

        // The session's first charging information on the stream comes at once.
        await network.MeterAsync(sessionId, t0.AddMinutes(1), 1, 22);
        var events = new List<ChargingInfoStreamEvent> { await NextEventAsync(stream) };

        // Two meter values within the interval, then a state change (another session starts): the state change is not
        // delayed, and the newest of the two meter values goes out just before it (events are never reordered).
        await network.MeterAsync(sessionId, t0.AddMinutes(2), 2, 22);
        await network.MeterAsync(sessionId, t0.AddMinutes(3), 3, 22);
        var second = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "b", EvseId = ChargingNetwork.SecondEvseId, Token = new TokenRef { Uid = "u2", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());
        events.Add(await NextEventAsync(stream));
        events.Add(await NextEventAsync(stream));

        // Two more within the interval: held back until the CSO's clock has passed it, then only the newest.
        await network.MeterAsync(sessionId, t0.AddMinutes(4), 4, 22);
        await network.MeterAsync(sessionId, t0.AddMinutes(5), 5, 22);
        clock.Advance(TimeSpan.FromSeconds(10));
        events.Add(await NextEventAsync(stream));

        Assert.Equal(
            [(sessionId, SessionState.Active, 1.0), (sessionId, SessionState.Active, 3.0), (second.Session.SessionId, SessionState.Pending, 0.0), (sessionId, SessionState.Active, 5.0)],
            events.Select(e => (e.ChargingInfo.SessionId, e.ChargingInfo.State, e.ChargingInfo.EnergyKwh)));
        Assert.True(events.Zip(events.Skip(1)).All(pair => pair.First.Sequence < pair.Second.Sequence), "sequences must increase: " + string.Join(", ", events.Select(e => e.Sequence)));
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

    private static async Task<AsyncDuplexStreamingCall<WatchChargingInfoRequest, WatchChargingInfoResponse>> OpenAsync(
        ChargingService.ChargingServiceClient client, ulong? resumeAfter, uint maxInFlight = 4, TimeSpan? minUpdateInterval = null)
    {
        var call = client.WatchChargingInfo(deadline: ChargingNetwork.Soon());
        var start = new WatchChargingInfoStart { MaxInFlight = maxInFlight };
        if (resumeAfter is { } cursor)
        {
            start.ResumeAfterSequence = cursor;
        }

        if (minUpdateInterval is { } interval)
        {
            start.MinUpdateInterval = Duration.FromTimeSpan(interval);
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
