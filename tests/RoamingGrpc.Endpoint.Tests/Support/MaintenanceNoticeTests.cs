using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Support;

/// <summary>
/// UC5-1 between a real CSO and real CSPs over mutual TLS: the back office publishes and ends notices, every CSP
/// receives each version by push and can pull them, and the EVSE status (the CSO's and the CSP's stream copy) follows.
/// </summary>
public sealed class MaintenanceNoticeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PublishMaintenanceNotice_OutageInForce_PushedPulledEvseOutOfOrderThenBackWhenEnded()
    {
        await using var rig = await ChargingRig.StartAsync(output, SupportKit.FastSweep);
        var support = SupportKit.Support(rig);

        var published = await rig.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "outage", MaintenanceNotice = Outage(DateTimeOffset.UtcNow.AddMinutes(-5), ChargingRig.EvseId) },
            deadline: ChargingRig.Soon());
        var notice = published.MaintenanceNotice;
        var pushed = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received.Count == 1);
        var otherPushed = await ChargingRig.ReceivedAsync(rig.Other, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received.Count == 1);
        var pulled = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest(), deadline: ChargingRig.Soon());
        var held = await SupportKit.CsoStatusesBecomeAsync(rig, EvseStatus.Outoforder, EvseStatus.Available);
        await SupportKit.CspSeesAsync(rig, EvseStatus.Outoforder, EvseStatus.Available);
        var refusedStart = await SupportKit.RefusedAsync(rig.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "during-outage", EvseId = ChargingRig.EvseId, Token = new TokenRef { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" } },
            deadline: ChargingRig.Soon()));

        var ended = await rig.Station.EndMaintenanceNoticeAsync(
            new EndMaintenanceNoticeRequest { RequestId = "end", MaintenanceNoticeId = notice.MaintenanceNoticeId },
            deadline: ChargingRig.Soon());
        var endedPush = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ Version: 2 }]);
        var released = await SupportKit.CsoStatusesBecomeAsync(rig, EvseStatus.Available, EvseStatus.Available);
        await SupportKit.CspSeesAsync(rig, EvseStatus.Available, EvseStatus.Available);
        var current = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest(), deadline: ChargingRig.Soon());
        var withEnded = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { IncludeEnded = true }, deadline: ChargingRig.Soon());
        var endedAgain = await rig.Station.EndMaintenanceNoticeAsync(
            new EndMaintenanceNoticeRequest { RequestId = "end-again", MaintenanceNoticeId = notice.MaintenanceNoticeId },
            deadline: ChargingRig.Soon());

        Assert.NotEmpty(notice.MaintenanceNoticeId);
        Assert.Equal(("DE*ABC", MaintenanceNoticeState.Active, 1UL), (notice.OperatorId, notice.State, notice.Version));
        Assert.Equal(notice, pushed[0]);
        Assert.Equal(notice, otherPushed[0]);
        Assert.Equal([notice], pulled.MaintenanceNotices);
        Assert.True(held[ChargingRig.EvseId].ChangeTime.ToDateTimeOffset() >= notice.UpdateTime.ToDateTimeOffset().AddSeconds(-1), "the outage status carries the time it took effect");
        Assert.Equal((StatusCode.FailedPrecondition, "EVSE_INOPERATIVE"), refusedStart);
        Assert.Equal((MaintenanceNoticeState.Ended, 2UL), (ended.MaintenanceNotice.State, ended.MaintenanceNotice.Version));
        Assert.NotNull(ended.MaintenanceNotice.EndedTime);
        Assert.Equal(ended.MaintenanceNotice, endedPush[0]);
        Assert.True(released[ChargingRig.EvseId].ChangeTime.ToDateTimeOffset() > held[ChargingRig.EvseId].ChangeTime.ToDateTimeOffset());
        Assert.Empty(current.MaintenanceNotices);
        Assert.Equal([ended.MaintenanceNotice], withEnded.MaintenanceNotices);
        Assert.Equal(ended.MaintenanceNotice, endedAgain.MaintenanceNotice);
    }

    [Fact]
    public async Task PublishMaintenanceNotice_PlannedForSite_ScheduledThenInoperativeAtStartThenStatusReportedMeanwhileAtEnd()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await ChargingRig.StartAsync(output, SupportKit.FastSweep, services => services.AddSingleton<TimeProvider>(clock));
        var start = DateTimeOffset.UtcNow.AddMinutes(10);
        var planned = Outage(start, null);
        planned.Kind = MaintenanceKind.Planned;
        planned.Reason = MaintenanceReason.Upgrade;
        planned.SiteIds.Add(ChargingRig.SiteId);
        planned.EndTime = Timestamp.FromDateTimeOffset(start.AddHours(1));

        var scheduled = (await rig.Station.PublishMaintenanceNoticeAsync(new PublishMaintenanceNoticeRequest { RequestId = "planned", MaintenanceNotice = planned }, deadline: ChargingRig.Soon())).MaintenanceNotice;
        var beforeStart = await SupportKit.CsoStatusesAsync(rig);
        clock.Advance(TimeSpan.FromMinutes(11));
        var active = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ State: MaintenanceNoticeState.Active }]);
        await SupportKit.CsoStatusesBecomeAsync(rig, EvseStatus.Inoperative, EvseStatus.Inoperative);
        await SupportKit.CspSeesAsync(rig, EvseStatus.Inoperative, EvseStatus.Inoperative);
        // The station reports the second EVSE blocked meanwhile: kept for the end, not published now.
        var report = await rig.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "blocked-meanwhile",
                Statuses = { new EvseStatusEvent { EvseId = ChargingRig.SecondEvseId, Status = EvseStatus.Blocked, ChangeTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow()) } },
            },
            deadline: ChargingRig.Soon());
        var duringHold = await SupportKit.CsoStatusesAsync(rig);
        var filtered = await SupportKit.Support(rig).ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { EvseId = ChargingRig.SecondEvseId }, deadline: ChargingRig.Soon());
        clock.Advance(TimeSpan.FromHours(1));
        var endedPush = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ State: MaintenanceNoticeState.Ended }]);
        await SupportKit.CsoStatusesBecomeAsync(rig, EvseStatus.Available, EvseStatus.Blocked);
        await SupportKit.CspSeesAsync(rig, EvseStatus.Available, EvseStatus.Blocked);

        Assert.Equal((MaintenanceNoticeState.Scheduled, 1UL), (scheduled.State, scheduled.Version));
        Assert.All(beforeStart.Values, status => Assert.Equal(EvseStatus.Available, status.Status));
        Assert.Equal(2UL, active[0].Version);
        Assert.Equal((1U, 0U), (report.AppliedCount, report.IgnoredCount));
        Assert.Equal(EvseStatus.Inoperative, duringHold[ChargingRig.SecondEvseId].Status);
        Assert.Equal([scheduled.MaintenanceNoticeId], filtered.MaintenanceNotices.Select(notice => notice.MaintenanceNoticeId));
        Assert.Equal((3UL, planned.EndTime), (endedPush[0].Version, endedPush[0].EndedTime));
    }

    [Fact]
    public async Task EndMaintenanceNotice_NotStartedYet_CanceledPushedAndStatusesUntouched()
    {
        await using var rig = await ChargingRig.StartAsync(output, SupportKit.FastSweep);
        var published = await rig.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "later", MaintenanceNotice = Outage(DateTimeOffset.UtcNow.AddDays(1), ChargingRig.SecondEvseId) },
            deadline: ChargingRig.Soon());

        var canceled = await rig.Station.EndMaintenanceNoticeAsync(
            new EndMaintenanceNoticeRequest { RequestId = "cancel", MaintenanceNoticeId = published.MaintenanceNotice.MaintenanceNoticeId },
            deadline: ChargingRig.Soon());
        var pushed = await ChargingRig.ReceivedAsync(rig.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received is [{ Version: 2 }]);
        var update = await SupportKit.RefusedAsync(rig.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "revive", MaintenanceNotice = Outage(DateTimeOffset.UtcNow, ChargingRig.SecondEvseId, published.MaintenanceNotice.MaintenanceNoticeId) },
            deadline: ChargingRig.Soon()));
        var statuses = await SupportKit.CsoStatusesAsync(rig);

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
        await using var rig = await ChargingRig.StartAsync(output);
        var now = DateTimeOffset.UtcNow;
        var noTarget = Outage(now, null);
        var backwards = Outage(now, ChargingRig.EvseId);
        backwards.EndTime = Timestamp.FromDateTimeOffset(now.AddMinutes(-1));
        var noKind = Outage(now, ChargingRig.EvseId);
        noKind.Kind = MaintenanceKind.Unspecified;
        var unknownSite = Outage(now, null);
        unknownSite.SiteIds.Add("NOPE");
        var twice = Outage(now, ChargingRig.EvseId);
        twice.EvseIds.Add("de*abc*es1*1");

        var refusals = new Dictionary<string, (StatusCode, string?)>
        {
            ["no target"] = await PublishRefusedAsync(rig, noTarget),
            ["end before start"] = await PublishRefusedAsync(rig, backwards),
            ["no kind"] = await PublishRefusedAsync(rig, noKind),
            ["unknown EVSE"] = await PublishRefusedAsync(rig, Outage(now, "DE*ABC*ENOPE*1")),
            ["foreign EVSE"] = await PublishRefusedAsync(rig, Outage(now, "FR*XYZ*E1*1")),
            ["unknown site"] = await PublishRefusedAsync(rig, unknownSite),
            ["EVSE twice"] = await PublishRefusedAsync(rig, twice),
            ["end unknown"] = await SupportKit.RefusedAsync(rig.Station.EndMaintenanceNoticeAsync(new EndMaintenanceNoticeRequest { RequestId = "end-nope", MaintenanceNoticeId = "nope" }, deadline: ChargingRig.Soon())),
        };
        var request = new PublishMaintenanceNoticeRequest { RequestId = "once", MaintenanceNotice = Outage(now.AddDays(2), ChargingRig.EvseId) };
        var first = await rig.Station.PublishMaintenanceNoticeAsync(request, deadline: ChargingRig.Soon());
        var retried = await rig.Station.PublishMaintenanceNoticeAsync(request, deadline: ChargingRig.Soon());
        var unchanged = await rig.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "same-content", MaintenanceNotice = Outage(now.AddDays(2), ChargingRig.EvseId, first.MaintenanceNotice.MaintenanceNoticeId) },
            deadline: ChargingRig.Soon());
        request.MaintenanceNotice.Reason = MaintenanceReason.Repair;
        var reused = await SupportKit.RefusedAsync(rig.Station.PublishMaintenanceNoticeAsync(request, deadline: ChargingRig.Soon()));
        var listed = await SupportKit.Support(rig).ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { IncludeEnded = true }, deadline: ChargingRig.Soon());

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
        await using var rig = await ChargingRig.StartAsync(output);
        var support = SupportKit.Support(rig);
        var later = DateTimeOffset.UtcNow.AddDays(1);
        var first = await PublishAsync(rig, "n1", Outage(later, ChargingRig.EvseId, "N-1"));
        var second = await PublishAsync(rig, "n2", Outage(later, ChargingRig.SecondEvseId, "N-2"));
        var site = Outage(later, null, "N-3");
        site.SiteIds.Add(ChargingRig.SiteId);
        var third = await PublishAsync(rig, "n3", site);
        var sync = (await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest(), deadline: ChargingRig.Soon())).SyncTime;

        var pages = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { PageSize = 1, PageToken = token }, deadline: ChargingRig.Soon());
            pages.AddRange(page.MaintenanceNotices.Select(notice => notice.MaintenanceNoticeId));
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        var firstPage = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { PageSize = 1 }, deadline: ChargingRig.Soon());
        var changedFilter = await SupportKit.RefusedAsync(support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { PageSize = 1, PageToken = firstPage.NextPageToken, SiteId = ChargingRig.SiteId }, deadline: ChargingRig.Soon()));
        var forFirstEvse = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { EvseId = ChargingRig.EvseId }, deadline: ChargingRig.Soon());
        var forSite = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { SiteId = ChargingRig.SiteId }, deadline: ChargingRig.Soon());
        await rig.Station.EndMaintenanceNoticeAsync(new EndMaintenanceNoticeRequest { RequestId = "cancel-1", MaintenanceNoticeId = first.MaintenanceNoticeId }, deadline: ChargingRig.Soon());
        var delta = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { UpdatedSince = sync }, deadline: ChargingRig.Soon());
        var foreignEvse = await SupportKit.RefusedAsync(support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { EvseId = "FR*XYZ*E1*1" }, deadline: ChargingRig.Soon()));

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

    private static async Task<MaintenanceNotice> PublishAsync(ChargingRig rig, string requestId, MaintenanceNotice notice) =>
        (await rig.Station.PublishMaintenanceNoticeAsync(new PublishMaintenanceNoticeRequest { RequestId = requestId, MaintenanceNotice = notice }, deadline: ChargingRig.Soon())).MaintenanceNotice;

    private static Task<(StatusCode Code, string? Reason)> PublishRefusedAsync(ChargingRig rig, MaintenanceNotice notice) =>
        SupportKit.RefusedAsync(rig.Station.PublishMaintenanceNoticeAsync(new PublishMaintenanceNoticeRequest { RequestId = Guid.NewGuid().ToString(), MaintenanceNotice = notice }, deadline: ChargingRig.Soon()));
}
