using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Tests.Features.ChargePlans;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Support;
using RoamingGrpc.Endpoint.Tests.Features.Tokens;

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
        await using var network = await ChargingNetwork.StartAsync(output, HourlyPolls, cspSettings: HourlyPolls);
        var csp = network.Endpoints.Csp;
        await ChargingNetwork.ReceivedAsync(csp, PushKinds.Site.Name, Site.Parser, sites => sites.Count == 1);
        var site = TestSites.Create("WAKE");
        site.Evses[0].Capabilities.Add(EvseCapability.ChargingProfileCapable);
        site.Evses[1].Capabilities.Add(EvseCapability.Reservable);
        foreach (var connector in site.Evses.SelectMany(evse => evse.Connectors))
        {
            connector.TariffIds.Add(ChargingNetwork.TariffId);
        }

        await MeasureAsync(
            "site (UpsertSite -> PushSiteUpdates)",
            () => network.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "wake-site", Site = site }, deadline: ChargingNetwork.Soon()).ResponseAsync,
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.Site.Name, Site.Parser, sites => sites.Any(held => held.SiteId == "WAKE")));
        var tariff = ChargingNetwork.Tariff();
        tariff.TariffId = "T-WAKE";
        await MeasureAsync(
            "tariff (UpsertTariff -> PushTariffUpdates)",
            () => network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "wake-tariff", Tariff = tariff }, deadline: ChargingNetwork.Soon()).ResponseAsync,
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.Tariff.Name, Tariff.Parser, tariffs => tariffs.Any(held => held.TariffId == "T-WAKE")));
        await MeasureAsync(
            "EVSE status (ReportEvseStatus -> WatchEvseStatus -> the CSP's store)",
            () => network.Station.ReportEvseStatusAsync(
                new ReportEvseStatusRequest
                {
                    RequestId = "wake-status",
                    Statuses =
                    {
                        new EvseStatusEvent { EvseId = ChargingNetwork.EvseId, Status = EvseStatus.Blocked, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                    },
                },
                deadline: ChargingNetwork.Soon()).ResponseAsync,
            () => SupportCalls.CspSeesAsync(network, EvseStatus.Blocked, EvseStatus.Available));
        await network.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "wake-available",
                Statuses =
                {
                    new EvseStatusEvent { EvseId = PlanEvseId, Status = EvseStatus.Available, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                    new EvseStatusEvent { EvseId = ReservableEvseId, Status = EvseStatus.Available, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
                },
            },
            deadline: ChargingNetwork.Soon());

        // Streams opened before the commits they must deliver.
        using var stationCommands = network.Station.WatchStationCommands(new WatchStationCommandsRequest(), deadline: ChargingNetwork.Soon());
        using var chargingInfo = network.Charging.WatchChargingInfo(deadline: ChargingNetwork.Soon());
        await chargingInfo.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = new WatchChargingInfoStart() });
        Assert.True(await chargingInfo.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotNull(chargingInfo.ResponseStream.Current.Opened);

        StartSessionResponse? started = null;
        await MeasureAsync(
            "station command (StartSession -> WatchStationCommands)",
            async () => started = await network.Charging.StartSessionAsync(
                new StartSessionRequest { RequestId = "wake-start", EvseId = PlanEvseId, Token = new TokenRef { Uid = "wake-user", Type = TokenType.AppUser } },
                deadline: ChargingNetwork.Soon()),
            async () => Assert.Equal(started!.CommandId, (await NextAsync(stationCommands.ResponseStream)).Command.CommandId));
        var sessionId = started!.Session.SessionId;
        await MeasureAsync(
            "charging information (the start -> WatchChargingInfo)",
            () => Task.CompletedTask,
            async () => Assert.Equal(sessionId, (await NextAsync(chargingInfo.ResponseStream)).Event.ChargingInfo.SessionId));
        await MeasureAsync(
            "session (StartSession -> PushSessionUpdates)",
            () => Task.CompletedTask,
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.Session.Name, Session.Parser, sessions => sessions.Any(held => held.SessionId == sessionId)));
        var start = DateTimeOffset.UtcNow.AddMinutes(-1);
        await MeasureAsync(
            "command result (ReportSessionEvent STARTED -> PushCommandResults)",
            () => network.EventAsync(sessionId, SessionEventType.Started, start, 0, started.CommandId),
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.CommandResult.Name, CommandResult.Parser, results => results.Any(held => held.CommandId == started.CommandId)));
        await MeasureAsync(
            "charge plan (OverrideChargePlan -> PushChargePlanUpdates)",
            () => network.Station.OverrideChargePlanAsync(
                new OverrideChargePlanRequest
                {
                    RequestId = "wake-plan",
                    SessionId = sessionId,
                    Reason = ChargePlanUpdateReason.GridConstraint,
                    Spec = ChargePlanNetwork.Watts((0, 30_000)),
                },
                deadline: ChargingNetwork.Soon()).ResponseAsync,
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.ChargePlan.Name, ChargePlan.Parser, plans => plans.Any(held => held.SessionId == sessionId)));
        await MeasureAsync(
            "reservation (CreateReservation -> PushReservationUpdates)",
            () => new ReservationService.ReservationServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso))
                .CreateReservationAsync(
                    new CreateReservationRequest { RequestId = "wake-reserve", EvseId = ReservableEvseId, Token = new TokenRef { Uid = "wake-user", Type = TokenType.AppUser }, ExpiryTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(20)) },
                    deadline: ChargingNetwork.Soon()).ResponseAsync,
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.Reservation.Name, Reservation.Parser, reservations => reservations.Count == 1));
        await MeasureAsync(
            "maintenance notice (PublishMaintenanceNotice -> PushMaintenanceNotices)",
            () => network.Station.PublishMaintenanceNoticeAsync(
                new PublishMaintenanceNoticeRequest
                {
                    RequestId = "wake-notice",
                    MaintenanceNotice = new MaintenanceNotice
                    {
                        Kind = MaintenanceKind.Planned,
                        Reason = MaintenanceReason.Upgrade,
                        EvseIds = { ChargingNetwork.SecondEvseId },
                        StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
                    },
                },
                deadline: ChargingNetwork.Soon()).ResponseAsync,
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, notices => notices.Count == 1));
        await MeasureAsync(
            "SDR (ReportSessionEvent STOPPED -> PushSdrs)",
            () => network.EventAsync(sessionId, SessionEventType.Stopped, DateTimeOffset.UtcNow, 5, stopReason: StopReason.Local),
            () => ChargingNetwork.ReceivedAsync(csp, PushKinds.Sdr.Name, Sdr.Parser, sdrs => sdrs.Any(held => held.SessionId == sessionId)));
        await MeasureAsync(
            "token list (IssueToken at the CSP -> PushTokenUpdates to the CSO)",
            () => TokenCalls.IssueAsync(network.Endpoints, TokenCalls.Rfid("04A1B2C3D4")),
            () => TokenCalls.WaitForCsoListAsync(network.Endpoints, tokens => tokens.Any(token => token.Uid == "04A1B2C3D4"), "it holds the new card"));

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
