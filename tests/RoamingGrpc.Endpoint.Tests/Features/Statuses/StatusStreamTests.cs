using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Platform;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Tests.Features.Statuses;

/// <summary>UC1-3: the resumable status stream from a CSO to the CSP endpoint's subscriber.</summary>
public sealed class StatusStreamTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Base = DateTimeOffset.UtcNow.AddHours(-1);

    [Fact]
    public async Task Stream_10000ChangesOn1000EvsesWithCuts_CspAppliesEachExactlyOnceAndEndsEqual()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var evses = await PublishSitesAsync(backoffice, sites: 100, evsesPerSite: 10);
        await WaitForSubscriptionAsync(endpoints);
        var subscriber = endpoints.Csp.Services.GetRequiredService<StatusSubscriber>();

        for (var batch = 0; batch < 20; batch++)
        {
            await ReportAsync(backoffice, evses, round: batch / 2, half: batch % 2);
            if (batch is 5 or 12)
            {
                subscriber.Cut(TwoEndpoints.CsoIdentity); // the connection drops mid-flow; the subscriber resumes
            }
        }

        var (statuses, applied) = await WaitForAppliedAsync(endpoints, 10_000);
        var cso = await CsoStatusesAsync(endpoints);

        Assert.Equal(10_000, applied);
        Assert.Equal(1000, statuses.Count);
        Assert.Equal(cso.Select(Key), statuses.Select(Key));
    }

    [Fact]
    public async Task Stream_CsoRestartedOnSameDatabase_ResumesWithoutGapOrDuplicate()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var evses = await PublishSitesAsync(Backoffice(endpoints), sites: 10, evsesPerSite: 10);
        await WaitForSubscriptionAsync(endpoints);
        await ReportAsync(Backoffice(endpoints), evses, round: 0, half: 0);
        await ReportAsync(Backoffice(endpoints), evses, round: 0, half: 1);

        await endpoints.Cso.DisposeAsync();
        await endpoints.StartCsoAsync(endpoints.Csp.Url);
        for (var round = 1; round < 4; round++)
        {
            await ReportAsync(Backoffice(endpoints), evses, round, half: 0);
            await ReportAsync(Backoffice(endpoints), evses, round, half: 1);
        }

        var (statuses, applied) = await WaitForAppliedAsync(endpoints, 400);
        Assert.Equal(400, applied);
        Assert.Equal((await CsoStatusesAsync(endpoints)).Select(Key), statuses.Select(Key));
    }

    [Fact]
    public async Task Stream_CursorOlderThanLog_OutOfRangeThenSubscriberResyncsByPull()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var evses = await PublishSitesAsync(backoffice, sites: 2, evsesPerSite: 5);
        await WaitForSubscriptionAsync(endpoints);
        for (var round = 0; round < 3; round++)
        {
            await ReportAsync(backoffice, evses, round, half: 0);
            await ReportAsync(backoffice, evses, round, half: 1);
        }

        await WaitForAppliedAsync(endpoints, 30);
        await endpoints.Cso.Services.GetRequiredService<IEvseStatusStore>().PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

        // A partner resuming from an old cursor is told to resync.
        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var call = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart { ResumeAfterSequence = 1 } });
        var stale = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.OutOfRange, stale.StatusCode);
        Assert.Equal("STALE_CURSOR", HandshakeTests.ReasonOf(stale));
        Assert.Equal("30", stale.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["oldest_sequence"]);

        // The CSP's own subscriber, sent back to an old cursor, resyncs by pull and stays consistent.
        var partnerStore = endpoints.Csp.Services.GetRequiredService<IPartnerStatusStore>();
        await partnerStore.ResetCursorAsync("DE*ABC", 1, CancellationToken.None);
        endpoints.Csp.Services.GetRequiredService<StatusSubscriber>().Cut(TwoEndpoints.CsoIdentity);
        await TwoEndpoints.WaitUntilAsync(() => endpoints.Csp.Log.Lines.Any(line => line.Contains("Resynced 10 EVSE statuses", StringComparison.Ordinal)), Deadline, "the subscriber resynced by pull");
        await ReportAsync(backoffice, evses, round: 3, half: 0);
        await TwoEndpoints.WaitUntilAsync(
            () => partnerStore.ListAsync("DE*ABC", CancellationToken.None).GetAwaiter().GetResult().Statuses.Select(Key)
                .SequenceEqual(CsoStatusesAsync(endpoints).GetAwaiter().GetResult().Select(Key)),
            Deadline,
            "the CSP's statuses equal the CSO's after the resync");
    }

    [Fact]
    public async Task Stream_SubscriberThatNeverAcks_GetsOnlyItsWindowWhileTheOtherKeepsUp()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var evses = await PublishSitesAsync(backoffice, sites: 10, evsesPerSite: 10);
        await WaitForSubscriptionAsync(endpoints);
        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var stalled = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await stalled.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart { MaxInFlight = 50 } });
        Assert.True(await stalled.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(WatchEvseStatusResponse.KindOneofCase.Opened, stalled.ResponseStream.Current.KindCase);

        for (var round = 0; round < 5; round++)
        {
            await ReportAsync(backoffice, evses, round, half: 0);
            await ReportAsync(backoffice, evses, round, half: 1);
        }

        var (_, applied) = await WaitForAppliedAsync(endpoints, 500);
        var received = 0;
        using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            while (await stalled.ResponseStream.MoveNext(quiet.Token))
            {
                received += stalled.ResponseStream.Current.KindCase == WatchEvseStatusResponse.KindOneofCase.Event ? 1 : 0;
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled)
        {
            // Nothing more came within two seconds: the producer is waiting for acks.
        }

        Assert.Equal(500, applied);
        Assert.Equal(50, received);
    }

    [Fact]
    public async Task Stream_WindowFullPastAckTimeout_CutWithSlowConsumerAndResumable()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        await endpoints.StartCsoAsync(endpoints.Csp.Url, new Dictionary<string, string?>
        {
            ["Roaming:Streams:AckTimeout"] = "00:00:01",
            ["Roaming:Streams:HeartbeatInterval"] = "00:00:00.200",
        });
        var directory = endpoints.Cso.Services.GetRequiredService<Endpoint.Partners.PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => directory.IsRegistered(TwoEndpoints.CspIdentity), Deadline, "the CSP registered");
        var backoffice = Backoffice(endpoints);
        var evses = await PublishSitesAsync(backoffice, sites: 2, evsesPerSite: 10);
        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var stalled = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await stalled.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart { MaxInFlight = 5 } });
        Assert.True(await stalled.ResponseStream.MoveNext(CancellationToken.None)); // opened: the stream starts before the changes
        await ReportAsync(backoffice, evses, round: 0, half: 0);

        var events = 0;
        var cut = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stalled.ResponseStream.MoveNext(CancellationToken.None))
            {
                events += stalled.ResponseStream.Current.KindCase == WatchEvseStatusResponse.KindOneofCase.Event ? 1 : 0;
            }
        });

        Assert.Equal(StatusCode.ResourceExhausted, cut.StatusCode);
        Assert.Equal("SLOW_CONSUMER", HandshakeTests.ReasonOf(cut));
        Assert.Equal(5, events);
    }

    [Fact]
    public async Task Stream_Nack_RedeliversFromTheNackedEventInOrder()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var evses = await PublishSitesAsync(backoffice, sites: 1, evsesPerSite: 10);
        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var call = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart { MaxInFlight = 100 } });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None)); // opened
        await ReportAsync(backoffice, evses, round: 0, half: 0);

        var first = await NextEventsAsync(call.ResponseStream, 5);
        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Nack = new StreamNack { Sequence = first[2], ErrorDetail = "database busy" } });
        var again = await NextEventsAsync(call.ResponseStream, 3);

        Assert.Equal(first.Skip(2), again);
    }

    [Fact]
    public async Task Stream_MaxEventsPerMessage_SameChangesInBatchesOfAtMostThatMany()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var evses = await PublishSitesAsync(backoffice, sites: 1, evsesPerSite: 40);
        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var single = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        using var batched = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await single.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart { MaxInFlight = 100 } });
        await batched.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart { MaxInFlight = 100, MaxEventsPerMessage = 7 } });
        Assert.True(await single.ResponseStream.MoveNext(CancellationToken.None)); // opened
        Assert.True(await batched.ResponseStream.MoveNext(CancellationToken.None)); // opened
        await ReportAsync(backoffice, evses, round: 0, half: 0);
        await ReportAsync(backoffice, evses, round: 0, half: 1);

        var one = await NextEventsAsync(single.ResponseStream, 40);
        var batches = new List<List<ulong>>();
        while (batches.Sum(batch => batch.Count) < 40 && await batched.ResponseStream.MoveNext(CancellationToken.None))
        {
            var message = batched.ResponseStream.Current;
            Assert.NotEqual(WatchEvseStatusResponse.KindOneofCase.Event, message.KindCase); // opted in: changes only in batches
            if (message.KindCase == WatchEvseStatusResponse.KindOneofCase.Events)
            {
                batches.Add([.. message.Events.Events.Select(change => change.Sequence)]);
            }
        }

        Assert.Equal(40, one.Count);
        Assert.Equal(one, batches.SelectMany(batch => batch));
        Assert.All(batches, batch => Assert.InRange(batch.Count, 1, 7));
        Assert.Contains(batches, batch => batch.Count > 1);
    }

    private static async Task<List<ulong>> NextEventsAsync(IAsyncStreamReader<WatchEvseStatusResponse> responses, int count)
    {
        var sequences = new List<ulong>();
        while (sequences.Count < count && await responses.MoveNext(CancellationToken.None))
        {
            if (responses.Current.KindCase == WatchEvseStatusResponse.KindOneofCase.Event)
            {
                sequences.Add(responses.Current.Event.Sequence);
            }
        }

        return sequences;
    }

    [Fact]
    public async Task ReportAndWatch_BadInput_ExactStatusAndNothingWritten()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var evses = await PublishSitesAsync(backoffice, sites: 1, evsesPerSite: 2);
        var cases = new (string EvseId, EvseStatus Status, StatusCode Code, string Reason)[]
        {
            ("DE*ABC*EUNKNOWN*1", EvseStatus.Available, StatusCode.NotFound, "UNKNOWN_EVSE"),
            ("DE*ABC*X1", EvseStatus.Available, StatusCode.InvalidArgument, "INVALID_IDENTIFIER"),
            (evses[0], EvseStatus.Unspecified, StatusCode.InvalidArgument, "MISSING_FIELD"),
        };
        foreach (var (evseId, status, code, reason) in cases)
        {
            var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
            request.Statuses.Add(new EvseStatusEvent { EvseId = evses[1], Status = EvseStatus.Charging, ChangeTime = Timestamp.FromDateTimeOffset(Base) });
            request.Statuses.Add(new EvseStatusEvent { EvseId = evseId, Status = status, ChangeTime = Timestamp.FromDateTimeOffset(Base) });
            var error = await Assert.ThrowsAsync<RpcException>(async () => await backoffice.ReportEvseStatusAsync(request, deadline: DateTime.UtcNow.Add(Deadline)));
            Assert.Equal(code, error.StatusCode);
            Assert.Equal(reason, HandshakeTests.ReasonOf(error));
        }

        Assert.Empty(await CsoStatusesAsync(endpoints));

        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var call = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Ack = new StreamAck { Sequence = 1 } });
        var violation = await Assert.ThrowsAsync<RpcException>(async () => await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, violation.StatusCode);
        Assert.Equal("STREAM_PROTOCOL_VIOLATION", HandshakeTests.ReasonOf(violation));

        // Acknowledging what was never sent is refused too (it would let the producer skip events).
        using var early = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await early.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart() });
        Assert.True(await early.ResponseStream.MoveNext(CancellationToken.None)); // opened
        await early.RequestStream.WriteAsync(new WatchEvseStatusRequest { Ack = new StreamAck { Sequence = 999 } });
        var unsent = await Assert.ThrowsAsync<RpcException>(async () => await early.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal("STREAM_PROTOCOL_VIOLATION", HandshakeTests.ReasonOf(unsent));
    }

    private static (string, long, long) Key(StatusEntry entry) => (entry.EvseId, entry.Status, entry.ChangeTime);

    private static async Task<List<string>> PublishSitesAsync(CsoBackofficeService.CsoBackofficeServiceClient backoffice, int sites, int evsesPerSite)
    {
        var evses = new List<string>();
        for (var i = 0; i < sites; i++)
        {
            var site = TestSites.Create($"S{i:D3}", evses: evsesPerSite);
            await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = $"site-{i}", Site = site }, deadline: DateTime.UtcNow.Add(Deadline));
            evses.AddRange(site.Evses.Select(evse => evse.EvseId.ToUpperInvariant()));
        }

        return evses;
    }

    // Reports one change for half of the EVSEs (even or odd positions): the status alternates per round, so
    // every entry is a change; change times grow with the round.
    private static async Task ReportAsync(CsoBackofficeService.CsoBackofficeServiceClient backoffice, List<string> evses, int round, int half)
    {
        var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
        for (var i = half; i < evses.Count; i += 2)
        {
            request.Statuses.Add(new EvseStatusEvent
            {
                EvseId = evses[i],
                Status = round % 2 == 0 ? EvseStatus.Charging : EvseStatus.Available,
                ChangeTime = Timestamp.FromDateTimeOffset(Base.AddSeconds(round)),
            });
        }

        var response = await backoffice.ReportEvseStatusAsync(request, deadline: DateTime.UtcNow.Add(Deadline));
        Assert.Equal((uint)request.Statuses.Count, response.AppliedCount);
    }

    private static async Task WaitForSubscriptionAsync(TwoEndpoints endpoints)
    {
        var store = endpoints.Csp.Services.GetRequiredService<IPartnerStatusStore>();
        await TwoEndpoints.WaitUntilAsync(() => store.CursorAsync("DE*ABC", CancellationToken.None).GetAwaiter().GetResult() is not null, Deadline, "the CSP subscribed to the CSO's status stream");
    }

    private static async Task<(IReadOnlyList<StatusEntry> Statuses, long Applied)> WaitForAppliedAsync(TwoEndpoints endpoints, long expected)
    {
        var store = endpoints.Csp.Services.GetRequiredService<IPartnerStatusStore>();
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var (statuses, applied) = await store.ListAsync("DE*ABC", CancellationToken.None);
            if (applied >= expected || DateTime.UtcNow > deadline)
            {
                return (statuses, applied);
            }

            await Task.Delay(50);
        }
    }

    private static async Task<IReadOnlyList<StatusEntry>> CsoStatusesAsync(TwoEndpoints endpoints) =>
        (await endpoints.Cso.Services.GetRequiredService<IEvseStatusStore>().SnapshotAsync(null, 100_000, CancellationToken.None)).Statuses;

    private static CsoBackofficeService.CsoBackofficeServiceClient Backoffice(TwoEndpoints endpoints) =>
        new(endpoints.Channel(
            Directory.Exists(Path.Combine(endpoints.Root, "cso-backoffice")) ? Path.Combine(endpoints.Root, "cso-backoffice") : endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"),
            PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"),
            endpoints.Cso));
}
