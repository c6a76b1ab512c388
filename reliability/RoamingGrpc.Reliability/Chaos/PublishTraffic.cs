using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// The CSO's back office changes what it publishes: churn sites upserted (a new revision in the name) and removed,
/// churn tariffs upserted (a new price) and removed, maintenance notices published, updated and ended (scheduled a
/// day ahead, so that no EVSE status moves). Each change is one call retried with the same request_id; the CSO must
/// answer each with the record's next version, and push every version to the CSP.
/// </summary>
internal sealed class PublishTraffic(ChaosContext context, Random random, double changesPerSecond)
{
    private readonly Dictionary<string, (int Revision, bool Removed)> _sites = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Revision, bool Removed)> _tariffs = new(StringComparer.Ordinal);
    private readonly List<(string Id, MaintenanceNotice Notice)> _openNotices = [];
    private int _notices;

    public async Task RunAsync(CancellationToken stop, CancellationToken cancellationToken)
    {
        var pace = TimeSpan.FromSeconds(1 / changesPerSecond);
        while (!stop.IsCancellationRequested)
        {
            switch (random.Next(3))
            {
                case 0:
                    await ChangeSiteAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case 1:
                    await ChangeTariffAsync(cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await ChangeNoticeAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }

            await Task.Delay(pace, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ChangeSiteAsync(CancellationToken cancellationToken)
    {
        var churn = random.Next(context.Network.ChurnSiteIds.Count);
        var siteId = context.Network.ChurnSiteIds[churn];
        var (revision, removed) = _sites.GetValueOrDefault(siteId);
        if (revision > 0 && !removed && random.Next(4) == 0)
        {
            var remove = new RemoveSiteRequest { RequestId = Guid.NewGuid().ToString(), SiteId = siteId };
            var answer = await context.Retrying.CallAsync("RemoveSite", options => context.Pair.CsoBackoffice.RemoveSiteAsync(remove, options), cancellationToken).ConfigureAwait(false);
            context.Ledger.Publish("site", siteId, answer.Site.Version, answer.Site.Removed, answer.Site.Name);
            _sites[siteId] = (revision, true);
            return;
        }

        var site = context.Network.ChurnSite(churn, revision + 1);
        var upsert = new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site };
        var stored = await context.Retrying.CallAsync("UpsertSite", options => context.Pair.CsoBackoffice.UpsertSiteAsync(upsert, options), cancellationToken).ConfigureAwait(false);
        context.Ledger.Publish("site", siteId, stored.Site.Version, stored.Site.Removed, stored.Site.Name);
        _sites[siteId] = (revision + 1, false);
    }

    private async Task ChangeTariffAsync(CancellationToken cancellationToken)
    {
        var index = random.Next(context.Network.ChurnTariffIds.Count);
        var tariffId = context.Network.ChurnTariffIds[index];
        var (revision, removed) = _tariffs.GetValueOrDefault(tariffId);
        if (revision > 0 && !removed && random.Next(4) == 0)
        {
            var remove = new RemoveTariffRequest { RequestId = Guid.NewGuid().ToString(), TariffId = tariffId };
            var answer = await context.Retrying.CallAsync("RemoveTariff", options => context.Pair.CsoBackoffice.RemoveTariffAsync(remove, options), cancellationToken).ConfigureAwait(false);
            context.Ledger.Publish("tariff", tariffId, answer.Tariff.Version, answer.Tariff.Removed, string.Empty);
            _tariffs[tariffId] = (revision, true);
            return;
        }

        var price = (0.30m + ((revision + 1) * 0.01m)).ToString("0.00", CultureInfo.InvariantCulture);
        var tariff = ChaosNetwork.Tariff(tariffId, index % 2 == 0 ? string.Empty : Parties.Csp.PartyId, price);
        var upsert = new UpsertTariffRequest { RequestId = Guid.NewGuid().ToString(), Tariff = tariff };
        var stored = await context.Retrying.CallAsync("UpsertTariff", options => context.Pair.CsoBackoffice.UpsertTariffAsync(upsert, options), cancellationToken).ConfigureAwait(false);
        context.Ledger.Publish("tariff", tariffId, stored.Tariff.Version, stored.Tariff.Removed, price);
        _tariffs[tariffId] = (revision + 1, false);
    }

    private async Task ChangeNoticeAsync(CancellationToken cancellationToken)
    {
        var choice = _openNotices.Count < 2 ? 0 : random.Next(3);
        if (choice == 0)
        {
            var id = $"CHAOS-MN-{++_notices:D4}";
            var start = DateTimeOffset.UtcNow.AddDays(1);
            var notice = new MaintenanceNotice
            {
                MaintenanceNoticeId = id,
                Kind = MaintenanceKind.Planned,
                SiteIds = { context.Network.MaintenanceSite.SiteId },
                StartTime = Timestamp.FromDateTimeOffset(start),
                EndTime = Timestamp.FromDateTimeOffset(start.AddHours(2)),
                Reason = MaintenanceReason.Service,
                Descriptions = { new DisplayText { Language = "en", Text = "Chaos run: scheduled service" } },
            };
            var stored = await PublishAsync(notice, cancellationToken).ConfigureAwait(false);
            _openNotices.Add((id, stored));
            return;
        }

        var pick = random.Next(_openNotices.Count);
        var (noticeId, current) = _openNotices[pick];
        if (choice == 1)
        {
            var updated = current.Clone();
            updated.EndTime = Timestamp.FromDateTimeOffset(updated.EndTime.ToDateTimeOffset().AddHours(1));
            _openNotices[pick] = (noticeId, await PublishAsync(updated, cancellationToken).ConfigureAwait(false));
            return;
        }

        var end = new EndMaintenanceNoticeRequest { RequestId = Guid.NewGuid().ToString(), MaintenanceNoticeId = noticeId };
        var ended = await context.Retrying.CallAsync("EndMaintenanceNotice", options => context.Pair.CsoBackoffice.EndMaintenanceNoticeAsync(end, options), cancellationToken).ConfigureAwait(false);
        context.Ledger.Publish("maintenance_notice", noticeId, ended.MaintenanceNotice.Version, false, ended.MaintenanceNotice.State.ToString());
        _openNotices.RemoveAt(pick);
    }

    private async Task<MaintenanceNotice> PublishAsync(MaintenanceNotice notice, CancellationToken cancellationToken)
    {
        var request = new PublishMaintenanceNoticeRequest { RequestId = Guid.NewGuid().ToString(), MaintenanceNotice = notice };
        var stored = await context.Retrying.CallAsync("PublishMaintenanceNotice", options => context.Pair.CsoBackoffice.PublishMaintenanceNoticeAsync(request, options), cancellationToken).ConfigureAwait(false);
        context.Ledger.Publish("maintenance_notice", notice.MaintenanceNoticeId, stored.MaintenanceNotice.Version, false, stored.MaintenanceNotice.State.ToString());
        return stored.MaintenanceNotice;
    }
}
