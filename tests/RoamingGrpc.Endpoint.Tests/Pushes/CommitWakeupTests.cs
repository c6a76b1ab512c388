using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Support;
using RoamingGrpc.Endpoint.Tests.Tokens;

namespace RoamingGrpc.Endpoint.Tests.Pushes;

/// <summary>
/// Deliveries are woken by the commit that creates them (the one commit notifier), never found by a poll: with every
/// poll and heartbeat an hour apart, each pushed kind reaches the CSP, the token list reaches the CSO, and each stream
/// (EVSE status, charging information, station commands) delivers, well within the test's deadline. A missing wake-up
/// would wait for the hour. The latency of each delivery is printed.
/// </summary>
public sealed class CommitWakeupTests(ITestOutputHelper output)
{
    private const string PlanEvseId = "DE*ABC*EWAKE*1";
    private const string ReservableEvseId = "DE*ABC*EWAKE*2";

    private static readonly Dictionary<string, string?> HourlyPolls = new()
    {
        ["Roaming:Delivery:PollInterval"] = "01:00:00",
        ["Roaming:Streams:HeartbeatInterval"] = "01:00:00",
    };

    private readonly List<(string What, TimeSpan Latency)> _latencies = [];

    [Fact]
    public async Task EveryPushedKindAndStream_PollsAnHourApart_DeliveredWhenTheCommitWakesThem()
    {
        await using var rig = await ChargingRig.StartAsync(output, HourlyPolls, cspSettings: HourlyPolls);
        var csp = rig.Endpoints.Csp;
        await ChargingRig.ReceivedAsync(csp, PushKinds.Site.Name, Site.Parser, sites => sites.Count == 1);
        var site = TestSites.Create("WAKE");
        site.Evses[0].Capabilities.Add(EvseCapability.ChargingProfileCapable);
        site.Evses[1].Capabilities.Add(EvseCapability.Reservable);
        foreach (var connector in site.Evses.SelectMany(evse => evse.Connectors))
        {
            connector.TariffIds.Add(ChargingRig.TariffId);
        }

        await MeasureAsync(
            "site (UpsertSite -> PushSiteUpdates)",
            () => rig.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "wake-site", Site = site }, deadline: ChargingRig.Soon()).ResponseAsync,
            () => ChargingRig.ReceivedAsync(csp, PushKinds.Site.Name, Site.Parser, sites => sites.Any(held => held.SiteId == "WAKE")));
        var tariff = ChargingRig.Tariff();
        tariff.TariffId = "T-WAKE";
        await MeasureAsync(
            "tariff (UpsertTariff -> PushTariffUpdates)",
            () => rig.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "wake-tariff", Tariff = tariff }, deadline: ChargingRig.Soon()).ResponseAsync,
            () => ChargingRig.ReceivedAsync(csp, PushKinds.Tariff.Name, Tariff.Parser, tariffs => tariffs.Any(held => held.TariffId == "T-WAKE")));
        await MeasureAsync(
            "EVSE status (ReportEvseStatus -> WatchEvseStatus -> the CSP's store)",
            () => rig.Station.ReportEvseStatusAsync(
                new ReportEvseStatusRequest
                {
                    RequestId = "wake-status",
                    Statuses =
                    {
                        new EvseStatusEvent { EvseId = ChargingRig.EvseId, Status = EvseStatus.Blocked, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                    },
                },
                deadline: ChargingRig.Soon()).ResponseAsync,
            () => SupportKit.CspSeesAsync(rig, EvseStatus.Blocked, EvseStatus.Available));
        await rig.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "wake-available",
                Statuses =
                {
                    new EvseStatusEvent { EvseId = PlanEvseId, Status = EvseStatus.Available, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                    new EvseStatusEvent { EvseId = ReservableEvseId, Status = EvseStatus.Available, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                },
            },
            deadline: ChargingRig.Soon());

        // Streams opened before the commits they must deliver.
        using var stationCommands = rig.Station.WatchStationCommands(new WatchStationCommandsRequest(), deadline: ChargingRig.Soon());
        using var chargingInfo = rig.Charging.WatchChargingInfo(deadline: ChargingRig.Soon());
        await chargingInfo.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = new WatchChargingInfoStart() });
        Assert.True(await chargingInfo.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotNull(chargingInfo.ResponseStream.Current.Opened);

        StartSessionResponse? started = null;
        await MeasureAsync(
            "station command (StartSession -> WatchStationCommands)",
            async () => started = await rig.Charging.StartSessionAsync(
                new StartSessionRequest { RequestId = "wake-start", EvseId = PlanEvseId, Token = new TokenRef { Uid = "wake-user", Type = TokenType.AppUser } },
                deadline: ChargingRig.Soon()),
            async () => Assert.Equal(started!.CommandId, (await NextAsync(stationCommands.ResponseStream)).Command.CommandId));
        var sessionId = started!.Session.SessionId;
        await MeasureAsync(
            "charging information (the start -> WatchChargingInfo)",
            () => Task.CompletedTask,
            async () => Assert.Equal(sessionId, (await NextAsync(chargingInfo.ResponseStream)).Event.ChargingInfo.SessionId));
        await MeasureAsync(
            "session (StartSession -> PushSessionUpdates)",
            () => Task.CompletedTask,
            () => ChargingRig.ReceivedAsync(csp, PushKinds.Session.Name, Session.Parser, sessions => sessions.Any(held => held.SessionId == sessionId)));
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        await MeasureAsync(
            "command result (ReportSessionEvent STARTED -> PushCommandResults)",
            () => rig.EventAsync(sessionId, SessionEventType.Started, start, 0, started.CommandId),
            () => ChargingRig.ReceivedAsync(csp, PushKinds.CommandResult.Name, CommandResult.Parser, results => results.Any(held => held.CommandId == started.CommandId)));
        await MeasureAsync(
            "charge plan (OverrideChargePlan -> PushChargePlanUpdates)",
            () => rig.Station.OverrideChargePlanAsync(
                new OverrideChargePlanRequest
                {
                    RequestId = "wake-plan",
                    SessionId = sessionId,
                    Reason = ChargePlanUpdateReason.GridConstraint,
                    Spec = ChargePlans.PlanKit.Watts((0, 30_000)),
                },
                deadline: ChargingRig.Soon()).ResponseAsync,
            () => ChargingRig.ReceivedAsync(csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, plans => plans.Any(held => held.SessionId == sessionId)));
        await MeasureAsync(
            "reservation (CreateReservation -> PushReservationUpdates)",
            () => new ReservationService.ReservationServiceClient(rig.Endpoints.Channel(rig.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, rig.Endpoints.Cso))
                .CreateReservationAsync(
                    new CreateReservationRequest { RequestId = "wake-reserve", EvseId = ReservableEvseId, Token = new TokenRef { Uid = "wake-user", Type = TokenType.AppUser }, ExpiryTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(20)) },
                    deadline: ChargingRig.Soon()).ResponseAsync,
            () => ChargingRig.ReceivedAsync(csp, PushKinds.Reservation.Name, Reservation.Parser, reservations => reservations.Count == 1));
        await MeasureAsync(
            "maintenance notice (PublishMaintenanceNotice -> PushMaintenanceNotices)",
            () => rig.Station.PublishMaintenanceNoticeAsync(
                new PublishMaintenanceNoticeRequest
                {
                    RequestId = "wake-notice",
                    MaintenanceNotice = new MaintenanceNotice
                    {
                        Kind = MaintenanceKind.Planned,
                        Reason = MaintenanceReason.Upgrade,
                        EvseIds = { ChargingRig.SecondEvseId },
                        StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
                    },
                },
                deadline: ChargingRig.Soon()).ResponseAsync,
            () => ChargingRig.ReceivedAsync(csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, notices => notices.Count == 1));
        await MeasureAsync(
            "SDR (ReportSessionEvent STOPPED -> PushSdrs)",
            () => rig.EventAsync(sessionId, SessionEventType.Stopped, DateTimeOffset.UtcNow, 5, stopReason: StopReason.Local),
            () => ChargingRig.ReceivedAsync(csp, PushKinds.Sdr.Name, Sdr.Parser, sdrs => sdrs.Any(held => held.SessionId == sessionId)));
        await MeasureAsync(
            "token list (IssueToken at the CSP -> PushTokenUpdates to the CSO)",
            () => TokenKit.IssueAsync(rig.Endpoints, TokenKit.Rfid("04A1B2C3D4")),
            () => TokenKit.WaitForCsoListAsync(rig.Endpoints, tokens => tokens.Any(token => token.Uid == "04A1B2C3D4"), "it holds the new card"));

        foreach (var (what, latency) in _latencies)
        {
            output.WriteLine($"{latency.TotalMilliseconds,8:0} ms  {what}");
        }

        // The poll is an hour away: every delivery came from its commit's wake-up.
        Assert.All(_latencies, entry => Assert.True(entry.Latency < TimeSpan.FromMinutes(1), $"{entry.What} took {entry.Latency}"));
    }

    private async Task MeasureAsync(string what, Func<Task> commit, Func<Task> delivered)
    {
        var watch = Stopwatch.StartNew();
        await commit();
        await delivered();
        _latencies.Add((what, watch.Elapsed));
    }

    private static async Task<T> NextAsync<T>(IAsyncStreamReader<T> stream)
        where T : class
    {
        Assert.True(await stream.MoveNext(CancellationToken.None), "the stream ended");
        return stream.Current;
    }
}
