using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// The CSO's records as its partner CSP pulls them (the CSP's partner certificate): every site, tariff, maintenance
/// notice, session, SDR and reservation with tombstones and ended ones (listings with <c>updated_since</c> at the
/// epoch), the current EVSE statuses, and the whole status change log replayed from its first sequence.
/// </summary>
internal sealed class CsoView
{
    private static readonly Timestamp Epoch = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch);

    public Dictionary<string, Site> Sites { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Tariff> Tariffs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, MaintenanceNotice> Notices { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Session> Sessions { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Sdr> Sdrs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Reservation> Reservations { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, EvseStatus> Statuses { get; } = new(StringComparer.Ordinal);

    /// <summary>The status log per EVSE, in sequence order.</summary>
    public Dictionary<string, List<EvseStatus>> StatusLog { get; } = new(StringComparer.Ordinal);

    /// <summary>The status log's head (latest sequence) when it was replayed.</summary>
    public ulong StatusHead { get; private set; }

    /// <summary>Entries replayed from the status log.</summary>
    public long StatusLogEntries { get; private set; }

    public static async Task<CsoView> ReadAsync(RoamingPair pair, CancellationToken cancellationToken)
    {
        var view = new CsoView();
        var deadline = TimeSpan.FromSeconds(60);
        var sites = new SiteService.SiteServiceClient(pair.AsCsp);
        var tariffs = new TariffService.TariffServiceClient(pair.AsCsp);
        var support = new SupportService.SupportServiceClient(pair.AsCsp);
        var charging = new ChargingService.ChargingServiceClient(pair.AsCsp);
        var sdrs = new SdrService.SdrServiceClient(pair.AsCsp);
        var reservations = new ReservationService.ReservationServiceClient(pair.AsCsp);
        var statuses = new EvseStatusService.EvseStatusServiceClient(pair.AsCsp);

        await PagesAsync(async token =>
        {
            var page = await sites.ListSitesAsync(new ListSitesRequest { PageSize = 1000, PageToken = token, UpdatedSince = Epoch }, deadline: Deadline(deadline), cancellationToken: cancellationToken).ConfigureAwait(false);
            page.Sites.ToList().ForEach(site => view.Sites[site.SiteId] = site);
            return page.NextPageToken;
        }).ConfigureAwait(false);
        await PagesAsync(async token =>
        {
            var page = await tariffs.ListTariffsAsync(new ListTariffsRequest { PageSize = 1000, PageToken = token, UpdatedSince = Epoch }, deadline: Deadline(deadline), cancellationToken: cancellationToken).ConfigureAwait(false);
            page.Tariffs.ToList().ForEach(tariff => view.Tariffs[tariff.TariffId] = tariff);
            return page.NextPageToken;
        }).ConfigureAwait(false);
        await PagesAsync(async token =>
        {
            var page = await support.ListMaintenanceNoticesAsync(new ListMaintenanceNoticesRequest { PageSize = 1000, PageToken = token, UpdatedSince = Epoch }, deadline: Deadline(deadline), cancellationToken: cancellationToken).ConfigureAwait(false);
            page.MaintenanceNotices.ToList().ForEach(notice => view.Notices[notice.MaintenanceNoticeId] = notice);
            return page.NextPageToken;
        }).ConfigureAwait(false);
        await PagesAsync(async token =>
        {
            var page = await charging.ListSessionsAsync(new ListSessionsRequest { PageSize = 1000, PageToken = token, UpdatedSince = Epoch }, deadline: Deadline(deadline), cancellationToken: cancellationToken).ConfigureAwait(false);
            page.Sessions.ToList().ForEach(session => view.Sessions[session.SessionId] = session);
            return page.NextPageToken;
        }).ConfigureAwait(false);
        await PagesAsync(async token =>
        {
            var page = await sdrs.ListSdrsAsync(new ListSdrsRequest { PageSize = 1000, PageToken = token, UpdatedSince = Epoch }, deadline: Deadline(deadline), cancellationToken: cancellationToken).ConfigureAwait(false);
            page.Sdrs.ToList().ForEach(sdr => view.Sdrs[sdr.SdrId] = sdr);
            return page.NextPageToken;
        }).ConfigureAwait(false);
        await PagesAsync(async token =>
        {
            var page = await reservations.ListReservationsAsync(new ListReservationsRequest { PageSize = 1000, PageToken = token, UpdatedSince = Epoch }, deadline: Deadline(deadline), cancellationToken: cancellationToken).ConfigureAwait(false);
            page.Reservations.ToList().ForEach(reservation => view.Reservations[reservation.ReservationId] = reservation);
            return page.NextPageToken;
        }).ConfigureAwait(false);
        await PagesAsync(async token =>
        {
            var page = await statuses.ListEvseStatusesAsync(new ListEvseStatusesRequest { PageSize = 1000, PageToken = token }, deadline: Deadline(deadline), cancellationToken: cancellationToken).ConfigureAwait(false);
            page.EvseStatuses.ToList().ForEach(status => view.Statuses[status.EvseId] = status.Status);
            return page.NextPageToken;
        }).ConfigureAwait(false);
        await view.ReplayStatusLogAsync(statuses, cancellationToken).ConfigureAwait(false);
        return view;
    }

    // The whole log, from after sequence 0 up to the head the stream opened with, acknowledged as it is read.
    private async Task ReplayStatusLogAsync(EvseStatusService.EvseStatusServiceClient client, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        using var call = client.WatchEvseStatus(cancellationToken: timeout.Token);
        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart { ResumeAfterSequence = 0, MaxInFlight = 5000, MaxEventsPerMessage = 500 } }, timeout.Token).ConfigureAwait(false);
        ulong last = 0;
        while (await call.ResponseStream.MoveNext(timeout.Token).ConfigureAwait(false))
        {
            var message = call.ResponseStream.Current;
            if (message.KindCase == WatchEvseStatusResponse.KindOneofCase.Opened)
            {
                StatusHead = message.Opened.LatestSequence;
                if (message.Opened.OldestSequence > 1)
                {
                    throw new ReliabilityException($"the CSO's status log starts at sequence {message.Opened.OldestSequence}: pruned during the run, cannot be replayed whole");
                }
            }

            IEnumerable<EvseStatusStreamEvent> events = message.KindCase switch
            {
                WatchEvseStatusResponse.KindOneofCase.Event => [message.Event],
                WatchEvseStatusResponse.KindOneofCase.Events => message.Events.Events,
                _ => [],
            };
            foreach (var change in events)
            {
                if (change.Sequence <= last)
                {
                    throw new ReliabilityException($"the CSO's status stream sent sequence {change.Sequence} after {last}");
                }

                last = change.Sequence;
                StatusLogEntries++;
                if (!StatusLog.TryGetValue(change.EvseStatus.EvseId, out var log))
                {
                    StatusLog[change.EvseStatus.EvseId] = log = [];
                }

                log.Add(change.EvseStatus.Status);
            }

            if (last > 0)
            {
                await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Ack = new StreamAck { Sequence = last } }, timeout.Token).ConfigureAwait(false);
            }

            if (last >= StatusHead && message.KindCase != WatchEvseStatusResponse.KindOneofCase.Opened)
            {
                break;
            }

            if (StatusHead == 0 && message.KindCase == WatchEvseStatusResponse.KindOneofCase.Opened)
            {
                break;
            }
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
    }

    private static DateTime Deadline(TimeSpan after) => DateTime.UtcNow + after;

    private static async Task PagesAsync(Func<string, Task<string>> page)
    {
        var token = string.Empty;
        do
        {
            token = await page(token).ConfigureAwait(false);
        }
        while (token.Length > 0);
    }
}
