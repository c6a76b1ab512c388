using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Tests.Features.ChargePlans;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Support;
using RoamingGrpc.Storage.PartnerData;

namespace RoamingGrpc.Endpoint.Tests.Features.Sites;

/// <summary>
/// A record's operator_id is empty or the caller's own party (sites.proto, tariffs.proto, maintenance.proto,
/// cso_update_service.proto): empty is taken as the caller's and stored and passed on with it filled in; another
/// operator is PERMISSION_DENIED / PARTY_MISMATCH (back office) or REJECTED / PARTY_MISMATCH (push).
/// </summary>
public sealed class OwnOperatorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BackofficeUpsertSiteTariffAndPublishNotice_EmptyOperatorId_StoredAndPushedAsCallers_AnotherOperatorRefused()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var site = TestSites.Create("S2");
        var tariff = TestTariffs.Create("T-EMPTY");
        var notice = Planned("S2");
        Assert.Equal(string.Empty, site.OperatorId + tariff.OperatorId + notice.OperatorId);

        var storedSite = (await network.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "empty-site", Site = site }, deadline: ChargingNetwork.Soon())).Site;
        var storedTariff = (await network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "empty-tariff", Tariff = tariff }, deadline: ChargingNetwork.Soon())).Tariff;
        var storedNotice = (await network.Station.PublishMaintenanceNoticeAsync(new PublishMaintenanceNoticeRequest { RequestId = "empty-notice", MaintenanceNotice = notice }, deadline: ChargingNetwork.Soon())).MaintenanceNotice;
        var pulledSite = (await new SiteService.SiteServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso))
            .GetSiteAsync(new GetSiteRequest { SiteId = "S2" }, deadline: ChargingNetwork.Soon())).Site;
        var pulledTariff = (await new TariffService.TariffServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso))
            .GetTariffAsync(new GetTariffRequest { TariffId = "T-EMPTY" }, deadline: ChargingNetwork.Soon())).Tariff;
        var pulledNotices = (await SupportCalls.Support(network).ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest(), deadline: ChargingNetwork.Soon())).MaintenanceNotices;
        var pushedSite = (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Site.Name, Site.Parser, received => received.Any(s => s.SiteId == "S2"))).Single(s => s.SiteId == "S2");
        var pushedTariff = (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.Tariff.Name, Tariff.Parser, received => received.Any(t => t.TariffId == "T-EMPTY"))).Single(t => t.TariffId == "T-EMPTY");
        var pushedNotice = (await ChargingNetwork.ReceivedAsync(network.Endpoints.Csp, PushKinds.MaintenanceNotice.Name, MaintenanceNotice.Parser, received => received.Count == 1)).Single();

        var foreignSite = TestSites.Create("S3");
        foreignSite.OperatorId = "DE*XYZ";
        var foreignTariff = TestTariffs.Create("T-FOREIGN");
        foreignTariff.OperatorId = "DE*XYZ";
        var foreignNotice = Planned("S2");
        foreignNotice.OperatorId = "DE*XYZ";
        var siteRefused = await ChargePlanNetwork.RefusedAsync(network.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "foreign-site", Site = foreignSite }, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var tariffRefused = await ChargePlanNetwork.RefusedAsync(network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "foreign-tariff", Tariff = foreignTariff }, deadline: ChargingNetwork.Soon()).ResponseAsync);
        var noticeRefused = await ChargePlanNetwork.RefusedAsync(network.Station.PublishMaintenanceNoticeAsync(
            new PublishMaintenanceNoticeRequest { RequestId = "foreign-notice", MaintenanceNotice = foreignNotice }, deadline: ChargingNetwork.Soon()).ResponseAsync);

        Assert.All(
            new[] { storedSite.OperatorId, pulledSite.OperatorId, pushedSite.OperatorId, storedTariff.OperatorId, pulledTariff.OperatorId, pushedTariff.OperatorId, storedNotice.OperatorId, pushedNotice.OperatorId },
            operatorId => Assert.Equal("DE*ABC", operatorId));
        Assert.Equal([(storedNotice.MaintenanceNoticeId, "DE*ABC")], pulledNotices.Select(pulled => (pulled.MaintenanceNoticeId, pulled.OperatorId)));
        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH", "site.operator_id"), siteRefused);
        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH", "tariff.operator_id"), tariffRefused);
        Assert.Equal((StatusCode.PermissionDenied, "PARTY_MISMATCH", "maintenance_notice.operator_id"), noticeRefused);
    }

    [Fact]
    public async Task CsoPushes_EmptyOperatorId_AppliedAndStoredAsSenders_AnotherOperatorRejected()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var pushes = new CsoUpdateService.CsoUpdateServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var site = TestSites.Create("S8");
        site.Version = 1;
        site.UpdateTime = now;
        var tombstone = new Site { SiteId = "S9", Removed = true, Version = 1, UpdateTime = now };
        var session = new Session { SessionId = "session-1", ProviderId = TwoEndpoints.CspIdentity.PartyId, EvseId = "DE*ABC*ES8*1", State = SessionState.Pending, Version = 1, UpdateTime = now };
        var notice = Planned("S8");
        notice.MaintenanceNoticeId = "notice-1";
        notice.State = MaintenanceNoticeState.Scheduled;
        notice.Version = 1;
        notice.UpdateTime = now;
        var foreign = notice.Clone();
        foreign.MaintenanceNoticeId = "notice-2";
        foreign.OperatorId = "DE*XYZ";

        var sites = await pushes.PushSiteUpdatesAsync(
            new PushSiteUpdatesRequest { RequestId = "sites", Updates = { new SiteUpdate { Delivery = Delivery("d-site"), Site = site }, new SiteUpdate { Delivery = Delivery("d-tombstone"), Site = tombstone } } },
            deadline: ChargingNetwork.Soon());
        var sessions = await pushes.PushSessionUpdatesAsync(
            new PushSessionUpdatesRequest { RequestId = "sessions", Updates = { new SessionUpdate { Delivery = Delivery("d-session"), Session = session } } },
            deadline: ChargingNetwork.Soon());
        var notices = await pushes.PushMaintenanceNoticesAsync(
            new PushMaintenanceNoticesRequest { RequestId = "notices", Updates = { new MaintenanceNoticeUpdate { Delivery = Delivery("d-notice"), MaintenanceNotice = notice }, new MaintenanceNoticeUpdate { Delivery = Delivery("d-foreign"), MaintenanceNotice = foreign } } },
            deadline: ChargingNetwork.Soon());

        Assert.Equal([DeliveryOutcome.Applied, DeliveryOutcome.Applied], sites.Results.Select(result => result.Outcome));
        Assert.Equal([DeliveryOutcome.Applied], sessions.Results.Select(result => result.Outcome));
        Assert.Equal(
            [(DeliveryOutcome.Applied, ErrorReason.Unspecified), (DeliveryOutcome.Rejected, ErrorReason.PartyMismatch)],
            notices.Results.Select(result => (result.Outcome, result.ErrorReason)));
        var received = endpoints.Csp.Services.GetRequiredService<IReceivedRecords>();
        var heldSites = (await received.ListAsync("DE*ABC", PushKinds.Site.Name, CancellationToken.None)).Select(row => Site.Parser.ParseFrom(row.Payload));
        var heldSessions = (await received.ListAsync("DE*ABC", PushKinds.Session.Name, CancellationToken.None)).Select(row => Session.Parser.ParseFrom(row.Payload));
        var heldNotices = (await received.ListAsync("DE*ABC", PushKinds.MaintenanceNotice.Name, CancellationToken.None)).Select(row => MaintenanceNotice.Parser.ParseFrom(row.Payload));
        Assert.Equal([("S8", "DE*ABC", false), ("S9", "DE*ABC", true)], heldSites.Select(held => (held.SiteId, held.OperatorId, held.Removed)));
        Assert.Equal([("session-1", "DE*ABC")], heldSessions.Select(held => (held.SessionId, held.OperatorId)));
        Assert.Equal([("notice-1", "DE*ABC")], heldNotices.Select(held => (held.MaintenanceNoticeId, held.OperatorId)));
    }

    // A planned notice for a site, tomorrow, with the operator id left empty.
    private static MaintenanceNotice Planned(string siteId) => new()
    {
        Kind = MaintenanceKind.Planned,
        Reason = MaintenanceReason.Upgrade,
        StartTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
        EndTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1).AddHours(2)),
        SiteIds = { siteId },
        Descriptions = { new DisplayText { Language = "en", Text = "Charger upgrade." } },
    };

    // The delivery header of a first version.
    private static Delivery Delivery(string deliveryId) => new() { DeliveryId = deliveryId, EntityVersion = 1 };
}
