using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Support;

/// <summary>
/// UC5-1 between a real CSO and real CSPs over mutual TLS: the back office publishes and ends notices, every CSP
/// receives each version by push and can pull them, and the EVSE status (the CSO's and the CSP's stream copy) follows.
/// </summary>
public sealed class MaintenanceNoticeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PublishMaintenanceNotice_OutageInForce_PushedPulledEvseOutOfOrderThenBackWhenEnded()
    {
        await using var network = await ChargingNetwork.StartAsync(output, SupportCalls.FastSweep);
        var support = SupportCalls.Support(network);

        var published = await network.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "outage", MaintenanceNotice = Outage(DateTimeOffset.UtcNow.AddMinutes(-5), ChargingNetwork.EvseId) },
            deadline: ChargingNetwork.Soon());
        var notice = published.MaintenanceNotice;
        var pushed = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received.Count == 1);
        var otherPushed = await ChargingNetwork.ReceivedAsync(network.Other, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received.Count == 1);
        var pulled = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest(), deadline: ChargingNetwork.Soon());
        var held = await SupportCalls.CsoStatusesBecomeAsync(network, EvseStatus.Outoforder, EvseStatus.Available);
        await SupportCalls.CspSeesAsync(network, EvseStatus.Outoforder, EvseStatus.Available);
        var refusedStart = await SupportCalls.RefusedAsync(network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "during-outage", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" } },
            deadline: ChargingNetwork.Soon()));

        var ended = await network.Station.EndMaintenanceNoticeAsync(
            new EndMaintenanceNoticeRequest { RequestId = "end", MaintenanceNoticeId = notice.MaintenanceNoticeId },
            deadline: ChargingNetwork.Soon());
        var endedPush = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ Version: 2 }]);
        var released = await SupportCalls.CsoStatusesBecomeAsync(network, EvseStatus.Available, EvseStatus.Available);
        await SupportCalls.CspSeesAsync(network, EvseStatus.Available, EvseStatus.Available);
        var current = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest(), deadline: ChargingNetwork.Soon());
        var withEnded = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { IncludeEnded = true }, deadline: ChargingNetwork.Soon());
        var endedAgain = await network.Station.EndMaintenanceNoticeAsync(
            new EndMaintenanceNoticeRequest { RequestId = "end-again", MaintenanceNoticeId = notice.MaintenanceNoticeId },
            deadline: ChargingNetwork.Soon());

        Assert.NotEmpty(notice.MaintenanceNoticeId);
        Assert.Equal(("DE*ABC", MaintenanceNoticeState.Active, 1UL), (notice.OperatorId, notice.State, notice.Version));
        Assert.Equal(notice, pushed[0]);
        Assert.Equal(notice, otherPushed[0]);
        Assert.Equal([notice], pulled.MaintenanceNotices);
        Assert.True(held[ChargingNetwork.EvseId].ChangeTime.ToDateTimeOffset() >= notice.UpdateTime.ToDateTimeOffset().AddSeconds(-1), "the outage status carries the time it took effect");
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_INOPERATIVE"), refusedStart);
        Assert.Equal((MaintenanceNoticeState.Ended, 2UL), (ended.MaintenanceNotice.State, ended.MaintenanceNotice.Version));
        Assert.NotNull(ended.MaintenanceNotice.EndedTime);
        Assert.Equal(ended.MaintenanceNotice, endedPush[0]);
        Assert.True(released[ChargingNetwork.EvseId].ChangeTime.ToDateTimeOffset() > held[ChargingNetwork.EvseId].ChangeTime.ToDateTimeOffset());
        Assert.Empty(current.MaintenanceNotices);
        Assert.Equal([ended.MaintenanceNotice], withEnded.MaintenanceNotices);
        Assert.Equal(ended.MaintenanceNotice, endedAgain.MaintenanceNotice);
    }

    [Fact]
    public async Task PublishMaintenanceNotice_PlannedForSite_ScheduledThenInoperativeAtStartThenStatusReportedMeanwhileAtEnd()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var network = await ChargingNetwork.StartAsync(output, SupportCalls.FastSweep, services => services.AddSingleton<TimeProvider>(clock));
        var start = DateTimeOffset.UtcNow.AddMinutes(10);
        var planned = Outage(start, null);
        planned.Kind = MaintenanceKind.Planned;
        planned.Reason = MaintenanceReason.Upgrade;
        planned.SiteIds.Add(ChargingNetwork.SiteId);
        planned.EndTime = Timestamp.FromDateTimeOffset(start.AddHours(1));

        var scheduled = (await network.Station.PublishMaintenanceNoticeAsync(new PublishMaintenanceNoticeRequest { RequestId = "planned", MaintenanceNotice = planned }, deadline: ChargingNetwork.Soon())).MaintenanceNotice;
        var beforeStart = await SupportCalls.CsoStatusesAsync(network);
        clock.Advance(TimeSpan.FromMinutes(11));
        var active = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ State: MaintenanceNoticeState.Active }]);
        await SupportCalls.CsoStatusesBecomeAsync(network, EvseStatus.Inoperative, EvseStatus.Inoperative);
        await SupportCalls.CspSeesAsync(network, EvseStatus.Inoperative, EvseStatus.Inoperative);
        // The station reports the second EVSE blocked meanwhile: kept for the end, not published now.
        var report = await network.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "blocked-meanwhile",
                Statuses = { new EvseStatusEvent { EvseId = ChargingNetwork.SecondEvseId, Status = EvseStatus.Blocked, ChangeTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) } },
            },
            deadline: ChargingNetwork.Soon());
        var duringHold = await SupportCalls.CsoStatusesAsync(network);
        var filtered = await SupportCalls.Support(network).ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { EvseId = ChargingNetwork.SecondEvseId }, deadline: ChargingNetwork.Soon());
        clock.Advance(TimeSpan.FromHours(1));
        var endedPush = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ State: MaintenanceNoticeState.Ended }]);
        await SupportCalls.CsoStatusesBecomeAsync(network, EvseStatus.Available, EvseStatus.Blocked);
        await SupportCalls.CspSeesAsync(network, EvseStatus.Available, EvseStatus.Blocked);

        Assert.Equal((MaintenanceNoticeState.Scheduled, 1UL), (scheduled.State, scheduled.Version));
        Assert.All(beforeStart.Values, status => Assert.Equal(EvseStatus.Available, status.Status));
        Assert.Equal(2UL, active[0].Version);
        Assert.Equal((1U, 0U), (report.AppliedCount, report.IgnoredCount));
        Assert.Equal(EvseStatus.Inoperative, duringHold[ChargingNetwork.SecondEvseId].Status);
        Assert.Equal([scheduled.MaintenanceNoticeId], filtered.MaintenanceNotices.Select(notice => notice.MaintenanceNoticeId));
        Assert.Equal((3UL, planned.EndTime), (endedPush[0].Version, endedPush[0].EndedTime));
    }

    [Fact]
    public async Task EndMaintenanceNotice_NotStartedYet_CanceledPushedAndStatusesUntouched()
    {
        await using var network = await ChargingNetwork.StartAsync(output, SupportCalls.FastSweep);
        var published = await network.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "later", MaintenanceNotice = Outage(DateTimeOffset.UtcNow.AddDays(1), ChargingNetwork.SecondEvseId) },
            deadline: ChargingNetwork.Soon());

        var canceled = await network.Station.EndMaintenanceNoticeAsync(
            new EndMaintenanceNoticeRequest { RequestId = "cancel", MaintenanceNoticeId = published.MaintenanceNotice.MaintenanceNoticeId },
            deadline: ChargingNetwork.Soon());
        var pushed = await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ Version: 2 }]);
        var update = await SupportCalls.RefusedAsync(network.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "revive", MaintenanceNotice = Outage(DateTimeOffset.UtcNow, ChargingNetwork.SecondEvseId, published.MaintenanceNotice.MaintenanceNoticeId) },
            deadline: ChargingNetwork.Soon()));
        var statuses = await SupportCalls.CsoStatusesAsync(network);

        Assert.Equal(MaintenanceNoticeState.Scheduled, published.MaintenanceNotice.State);
        Assert.Equal(MaintenanceNoticeState.Canceled, canceled.MaintenanceNotice.State);
        Assert.Null(canceled.MaintenanceNotice.EndedTime);
        Assert.Equal(canceled.MaintenanceNotice, pushed[0]);
        Assert.Equal((StatusCode.FailedPrecondition, "WRONG_STATE"), update);
        Assert.All(statuses.Values, status => Assert.Equal(EvseStatus.Available, status.Status));
    }

    [Fact]
    public async Task PublishMaintenanceNotice_InvalidUnknownOrRepeated_RefusedNamingFieldOrAnsweredOnce()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var now = DateTimeOffset.UtcNow;
        var noTarget = Outage(now, null);
        var backwards = Outage(now, ChargingNetwork.EvseId);
        backwards.EndTime = Timestamp.FromDateTimeOffset(now.AddMinutes(-1));
        var noKind = Outage(now, ChargingNetwork.EvseId);
        noKind.Kind = MaintenanceKind.Unspecified;
        var unknownSite = Outage(now, null);
        unknownSite.SiteIds.Add("NOPE");
        var twice = Outage(now, ChargingNetwork.EvseId);
        twice.EvseIds.Add("de*abc*es1*1");

        var refusals = new Dictionary<string, (StatusCode, string?)>
        {
            ["no target"] = await PublishRefusedAsync(network, noTarget),
            ["end before start"] = await PublishRefusedAsync(network, backwards),
            ["no kind"] = await PublishRefusedAsync(network, noKind),
            ["unknown EVSE"] = await PublishRefusedAsync(network, Outage(now, "DE*ABC*ENOPE*1")),
            ["foreign EVSE"] = await PublishRefusedAsync(network, Outage(now, "FR*XYZ*E1*1")),
            ["unknown site"] = await PublishRefusedAsync(network, unknownSite),
            ["EVSE twice"] = await PublishRefusedAsync(network, twice),
            ["end unknown"] = await SupportCalls.RefusedAsync(network.Station.EndMaintenanceNoticeAsync(new EndMaintenanceNoticeRequest { RequestId = "end-nope", MaintenanceNoticeId = "nope" }, deadline: ChargingNetwork.Soon())),
        };
        var request = new PublishMaintenanceNoticeRequest { RequestId = "once", MaintenanceNotice = Outage(now.AddDays(2), ChargingNetwork.EvseId) };
        var first = await network.Station.PublishMaintenanceNoticeAsync(request, deadline: ChargingNetwork.Soon());
        var retried = await network.Station.PublishMaintenanceNoticeAsync(request, deadline: ChargingNetwork.Soon());
        var unchanged = await network.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "same-content", MaintenanceNotice = Outage(now.AddDays(2), ChargingNetwork.EvseId, first.MaintenanceNotice.MaintenanceNoticeId) },
            deadline: ChargingNetwork.Soon());
        request.MaintenanceNotice.Reason = MaintenanceReason.Repair;
        var reused = await SupportCalls.RefusedAsync(network.Station.PublishMaintenanceNoticeAsync(request, deadline: ChargingNetwork.Soon()));
        var listed = await SupportCalls.Support(network).ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { IncludeEnded = true }, deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD"), refusals["no target"]);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), refusals["end before start"]);
        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD"), refusals["no kind"]);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_EVSE"), refusals["unknown EVSE"]);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_IDENTIFIER"), refusals["foreign EVSE"]);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_SITE"), refusals["unknown site"]);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), refusals["EVSE twice"]);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_MAINTENANCE_NOTICE"), refusals["end unknown"]);
        Assert.Equal(first.MaintenanceNotice, retried.MaintenanceNotice);
        Assert.Equal(first.MaintenanceNotice, unchanged.MaintenanceNotice);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), reused);
        Assert.Equal([first.MaintenanceNotice], listed.MaintenanceNotices);
    }

    [Fact]
    public async Task ListMaintenanceNotices_PagesFiltersAndDelta_EachNoticeOnceInChangeOrder()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var support = SupportCalls.Support(network);
        var later = DateTimeOffset.UtcNow.AddDays(1);
        var first = await PublishAsync(network, "n1", Outage(later, ChargingNetwork.EvseId, "N-1"));
        var second = await PublishAsync(network, "n2", Outage(later, ChargingNetwork.SecondEvseId, "N-2"));
        var site = Outage(later, null, "N-3");
        site.SiteIds.Add(ChargingNetwork.SiteId);
        var third = await PublishAsync(network, "n3", site);
        var sync = (await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest(), deadline: ChargingNetwork.Soon())).SyncTime;

        var pages = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { PageSize = 1, PageToken = token }, deadline: ChargingNetwork.Soon());
            pages.AddRange(page.MaintenanceNotices.Select(notice => notice.MaintenanceNoticeId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        var firstPage = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { PageSize = 1 }, deadline: ChargingNetwork.Soon());
        var changedFilter = await SupportCalls.RefusedAsync(support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { PageSize = 1, PageToken = firstPage.NextPageToken, SiteId = ChargingNetwork.SiteId }, deadline: ChargingNetwork.Soon()));
        var forFirstEvse = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { EvseId = ChargingNetwork.EvseId }, deadline: ChargingNetwork.Soon());
        var forSite = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { SiteId = ChargingNetwork.SiteId }, deadline: ChargingNetwork.Soon());
        await network.Station.EndMaintenanceNoticeAsync(new EndMaintenanceNoticeRequest { RequestId = "cancel-1", MaintenanceNoticeId = first.MaintenanceNoticeId }, deadline: ChargingNetwork.Soon());
        var delta = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { UpdatedSince = sync }, deadline: ChargingNetwork.Soon());
        var foreignEvse = await SupportCalls.RefusedAsync(support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { EvseId = "FR*XYZ*E1*1" }, deadline: ChargingNetwork.Soon()));

        Assert.Equal(["N-1", "N-2", "N-3"], pages);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN"), changedFilter);
        Assert.Equal(["N-1", "N-3"], forFirstEvse.MaintenanceNotices.Select(notice => notice.MaintenanceNoticeId));
        Assert.Equal(["N-1", "N-2", "N-3"], forSite.MaintenanceNotices.Select(notice => notice.MaintenanceNoticeId));
        Assert.Equal([("N-1", MaintenanceNoticeState.Canceled)], delta.MaintenanceNotices.Select(notice => (notice.MaintenanceNoticeId, notice.State)).Where(entry => entry.Item1 == "N-1"));
        Assert.Equal("N-1", delta.MaintenanceNotices[^1].MaintenanceNoticeId);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_IDENTIFIER"), foreignEvse);
        Assert.Equal((MaintenanceNoticeState.Scheduled, MaintenanceNoticeState.Scheduled), (second.State, third.State));
    }

    private static MaintenanceNotice Outage(DateTimeOffset start, string? evseId, string id = "")
    {
        var notice = new MaintenanceNotice
        {
            MaintenanceNoticeId = id,
            Kind = MaintenanceKind.Outage,
            Reason = MaintenanceReason.Grid,
            StartTime = Timestamp.FromDateTimeOffset(start),
            Descriptions = { new DisplayText { Language = "en", Text = "Grid failure in the street; the grid operator is on it." } },
        };
        if (evseId is not null)
        {
            notice.EvseIds.Add(evseId);
        }

        return notice;
    }

    private static async Task<MaintenanceNotice> PublishAsync(ChargingNetwork network, string requestId, MaintenanceNotice notice) =>
        (await network.Station.PublishMaintenanceNoticeAsync(new PublishMaintenanceNoticeRequest { RequestId = requestId, MaintenanceNotice = notice }, deadline: ChargingNetwork.Soon())).MaintenanceNotice;

    private static Task<(StatusCode Code, string? Reason)> PublishRefusedAsync(ChargingNetwork network, MaintenanceNotice notice) =>
        SupportCalls.RefusedAsync(network.Station.PublishMaintenanceNoticeAsync(new PublishMaintenanceNoticeRequest { RequestId = Guid.NewGuid().ToString(), MaintenanceNotice = notice }, deadline: ChargingNetwork.Soon()));
}
