using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// The end of a chaos run: waits until both endpoints are quiet (the CSO's outbox to the CSP empty and the CSP's
/// status stream caught up, as the CSO's metrics show an operator), then compares what the driver did with what both
/// endpoints hold. Through RPCs: the CSO's records as the CSP pulls them, the CSO's status log replayed, the CSP's
/// network view (FindEvses: sites and statuses) and its command outcomes (GetCommandResult). After both stopped, from
/// their files opened read-only: <c>PRAGMA integrity_check</c>, and the CSP's received records against the CSO's (the
/// CSP has no RPC that lists what it received: issue 14), the CSO's outbox and its refused deliveries.
/// </summary>
internal sealed class ChaosVerifier(ChaosContext context, TimeSpan settleTimeout)
{
    private readonly ChaosLedger _ledger = context.Ledger;
    private readonly RoamingPair _pair = context.Pair;

    /// <summary>Counts of what the CSO holds and the CSP received, per push kind, for the report.</summary>
    public List<(string Kind, int CsoRecords, ulong CsoVersions, int CspRecords)> PushCounts { get; } = [];

    /// <summary>Entries in the CSO's status log at the end.</summary>
    public long StatusLogEntries { get; private set; }

    /// <summary>The checks made through RPCs while both endpoints run; returns the CSO's view for the file checks.</summary>
    public async Task<CsoView> CheckRunningAsync(CancellationToken cancellationToken)
    {
        await SettleAsync(cancellationToken).ConfigureAwait(false);
        var cso = await CsoView.ReadAsync(_pair, cancellationToken).ConfigureAwait(false);
        StatusLogEntries = cso.StatusLogEntries;
        CheckPublished(cso);
        CheckSessions(cso);
        CheckReservations(cso);
        CheckStation();
        CheckStatuses(cso);
        await CheckCspViewAsync(cso, cancellationToken).ConfigureAwait(false);
        return cso;
    }

    /// <summary>The checks of the files, once both processes have stopped.</summary>
    public void CheckFiles(CsoView cso)
    {
        using (var csoFile = StoredFiles.Open(_pair.CsoDatabase))
        {
            Integrity("CSO", csoFile);
            var waiting = csoFile.Scalar("SELECT COUNT(*) FROM outbox");
            var rejected = csoFile.Scalar("SELECT COUNT(*) FROM outbox_rejected");
            if (waiting != 0)
            {
                _ledger.Violation($"the CSO's outbox still holds {waiting} entries after it reported depth 0 and stopped");
            }

            if (rejected != 0)
            {
                _ledger.Violation($"the CSP refused {rejected} deliveries (outbox_rejected)");
            }
        }

        using var cspFile = StoredFiles.Open(_pair.CspDatabase);
        Integrity("CSP", cspFile);
        var party = Parties.Cso.PartyId;
        Compare("site", cso.Sites.Values.Select(site => (site.SiteId, site.Version, site.Removed)), cspFile.Received(party, "site"));
        Compare("tariff", cso.Tariffs.Values.Select(tariff => (tariff.TariffId, tariff.Version, tariff.Removed)), cspFile.Received(party, "tariff"));
        Compare("maintenance_notice", cso.Notices.Values.Select(notice => (notice.MaintenanceNoticeId, notice.Version, false)), cspFile.Received(party, "maintenance_notice"));
        Compare("session", cso.Sessions.Values.Select(session => (session.SessionId, session.Version, false)), cspFile.Received(party, "session"));
        Compare("sdr", cso.Sdrs.Values.Select(sdr => (sdr.SdrId, sdr.Version, false)), cspFile.Received(party, "sdr"));
        Compare("reservation", cso.Reservations.Values.Select(reservation => (reservation.ReservationId, reservation.Version, false)), cspFile.Received(party, "reservation"));

        var results = cspFile.Received(party, "command_result");
        PushCounts.Add(("command_result", _ledger.Commands.Count, (ulong)_ledger.Commands.Count, results.Count));
        foreach (var id in results.Keys.Where(id => !_ledger.Commands.ContainsKey(id)))
        {
            _ledger.Violation($"command_result {id}: held by the CSP for a command the driver never had accepted");
        }

        var plans = cspFile.Received(party, "charge_plan");
        var planned = _ledger.Sessions.Values.Where(run => run.PlanVersion > 0).ToList();
        PushCounts.Add(("charge_plan", planned.Count, planned.Aggregate(0UL, (sum, run) => sum + run.PlanVersion + 1), plans.Count));
        foreach (var run in planned)
        {
            if (!plans.TryGetValue(run.SessionId, out var plan))
            {
                _ledger.Violation($"charge_plan of session {run.SessionId}: overridden (version {run.PlanVersion}) but never received by the CSP");
                continue;
            }

            var held = ChargePlan.Parser.ParseFrom(plan.Payload);
            if (run.Completed && (held.Status != ChargePlanStatus.Cleared || held.Version <= run.PlanVersion))
            {
                _ledger.Violation($"charge_plan of session {run.SessionId}: the CSP holds {held.Status} version {held.Version}; after the session ended it must be CLEARED, later than the override's version {run.PlanVersion}");
            }
        }

        foreach (var id in plans.Keys.Where(id => !planned.Any(run => run.SessionId == id)))
        {
            _ledger.Violation($"charge_plan of session {id}: held by the CSP, but no plan was ever set for that session");
        }

        var cursor = cspFile.Scalar("SELECT COALESCE(MAX(last_sequence), -1) FROM stream_cursors WHERE cso = @cso", ("@cso", party));
        var applied = cspFile.Scalar("SELECT COALESCE(MAX(applied_events), -1) FROM stream_cursors WHERE cso = @cso", ("@cso", party));
        if (cursor != (long)cso.StatusHead)
        {
            _ledger.Violation($"the CSP's status cursor is at sequence {cursor}, the CSO's log head at {cso.StatusHead}");
        }

        if (applied > (long)cso.StatusHead)
        {
            _ledger.Violation($"the CSP applied {applied} status events from a log of {cso.StatusHead}: some applied twice");
        }
    }

    // The CSO's outbox to the CSP drained and the CSP's status stream caught up, per the CSO's metrics (sampled every
    // 5 s: two consecutive quiet samples).
    private async Task SettleAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + settleTimeout;
        var quiet = 0;
        string last = "no scrape yet";
        while (DateTime.UtcNow < deadline)
        {
            var scrape = await MetricsScrape.ReadAsync(http, _pair.CsoMetricsPort, cancellationToken).ConfigureAwait(false);
            var depth = scrape.Sum("roaming_outbox_depth", ("partner", Parties.Csp.ToString()));
            var behind = scrape.Sum("roaming_stream_events_behind", ("partner", Parties.Csp.ToString()));
            last = $"outbox depth {Text(depth)}, status stream behind {Text(behind)}";
            quiet = depth == 0 && (behind ?? 0) == 0 ? quiet + 1 : 0;
            if (quiet >= 2)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(5.5), cancellationToken).ConfigureAwait(false);
        }

        _ledger.Violation($"the endpoints did not settle within {settleTimeout.TotalSeconds:0} s ({last})");
    }

    private void CheckPublished(CsoView cso)
    {
        foreach (var ((kind, id), expected) in _ledger.Published)
        {
            (ulong Version, bool Removed)? held = kind switch
            {
                "site" => cso.Sites.TryGetValue(id, out var site) ? (site.Version, site.Removed) : null,
                "tariff" => cso.Tariffs.TryGetValue(id, out var tariff) ? (tariff.Version, tariff.Removed) : null,
                _ => cso.Notices.TryGetValue(id, out var notice) ? (notice.Version, false) : null,
            };
            if (held is null)
            {
                _ledger.Violation($"{kind} {id}: answered version {expected.Version}, but the CSO does not list it");
            }
            else if (held.Value.Version != expected.Version || held.Value.Removed != expected.Removed)
            {
                _ledger.Violation($"{kind} {id}: the CSO lists version {held.Value.Version} (removed {held.Value.Removed}); the driver's last change was answered with version {expected.Version} (removed {expected.Removed})");
            }
        }

        foreach (var id in cso.Sites.Keys.Where(id => !_ledger.Published.ContainsKey(("site", id))))
        {
            _ledger.Violation($"site {id}: listed by the CSO, never published by the driver");
        }

        foreach (var id in cso.Notices.Keys.Where(id => !_ledger.Published.ContainsKey(("maintenance_notice", id))))
        {
            _ledger.Violation($"maintenance_notice {id}: listed by the CSO, never published by the driver");
        }
    }

    private void CheckSessions(CsoView cso)
    {
        foreach (var run in _ledger.Sessions.Values)
        {
            if (!cso.Sessions.TryGetValue(run.SessionId, out var session))
            {
                _ledger.Violation($"session {run.SessionId} ({run.Flow}): answered, but the CSO does not list it");
                continue;
            }

            if (session.Version != run.Versions[^1] || (run.Completed && session.State != SessionState.Completed))
            {
                _ledger.Violation($"session {run.SessionId} ({run.Flow}): the CSO lists {session.State} version {session.Version}; the last event was answered with version {run.Versions[^1]}");
            }

            var sdrs = cso.Sdrs.Values.Where(sdr => sdr.SessionId == run.SessionId).ToList();
            if (run.Completed && sdrs.Count != 1)
            {
                _ledger.Violation($"session {run.SessionId}: {sdrs.Count} SDRs, expected exactly one");
            }
            else if (sdrs.Count == 1 && Math.Abs(sdrs[0].Totals.TotalEnergyKwh - run.EnergyKwh) > 1e-6)
            {
                _ledger.Violation($"SDR {sdrs[0].SdrId} of session {run.SessionId}: {sdrs[0].Totals.TotalEnergyKwh} kWh, the station reported {run.EnergyKwh}");
            }
        }

        foreach (var session in cso.Sessions.Values.Where(session => !_ledger.Sessions.ContainsKey(session.SessionId)))
        {
            _ledger.Violation($"session {session.SessionId} ({session.State}, token {session.Token?.Uid}, EVSE {session.EvseId}): listed by the CSO, never started by the driver (a start executed twice?)");
        }

        foreach (var sdr in cso.Sdrs.Values.Where(sdr => !_ledger.Sessions.ContainsKey(sdr.SessionId)))
        {
            _ledger.Violation($"SDR {sdr.SdrId} of session {sdr.SessionId}: listed by the CSO for a session the driver never ran");
        }

        // Every session of a flow goes through the same steps: the same versions, whatever was killed meanwhile. A
        // version more means an event applied twice; less, one lost.
        foreach (var flow in _ledger.Sessions.Values.Where(run => run.Completed).GroupBy(run => run.Flow))
        {
            var shapes = flow.GroupBy(run => string.Join(',', run.Versions)).OrderByDescending(shape => shape.Count()).ToList();
            foreach (var odd in shapes.Skip(1))
            {
                _ledger.Violation($"{flow.Key} sessions answered versions {odd.Key} ({odd.Count()}: {string.Join(", ", odd.Take(3).Select(run => run.SessionId))}) where {shapes[0].Count()} others answered {shapes[0].Key}");
            }
        }
    }

    private void CheckReservations(CsoView cso)
    {
        foreach (var run in _ledger.Reservations.Values)
        {
            if (!cso.Reservations.TryGetValue(run.ReservationId, out var reservation))
            {
                _ledger.Violation($"reservation {run.ReservationId}: answered, but the CSO does not list it");
                continue;
            }

            run.FinalVersion = reservation.Version;
            if (run.FinalState != ReservationState.Unspecified && reservation.State != run.FinalState)
            {
                _ledger.Violation($"reservation {run.ReservationId}: the CSO lists {reservation.State}, expected {run.FinalState}");
            }
        }

        foreach (var reservation in cso.Reservations.Values.Where(reservation => !_ledger.Reservations.ContainsKey(reservation.ReservationId)))
        {
            _ledger.Violation($"reservation {reservation.ReservationId}: listed by the CSO, never made by the driver (a reservation executed twice?)");
        }

        var versions = _ledger.Reservations.Values.Where(run => run.FinalState == ReservationState.Canceled).GroupBy(run => run.FinalVersion).OrderByDescending(group => group.Count()).ToList();
        foreach (var odd in versions.Skip(1))
        {
            _ledger.Violation($"{odd.Count()} canceled reservations ended at version {odd.Key} ({string.Join(", ", odd.Take(3).Select(run => run.ReservationId))}) where {versions[0].Count()} others ended at {versions[0].Key}");
        }
    }

    // One partner request, one command: the station never received two command ids for one request_id.
    private void CheckStation()
    {
        foreach (var (type, requestId, commandIds) in context.Station.CommandsByRequest)
        {
            if (commandIds.Count != 1)
            {
                _ledger.Violation($"{type} request {requestId}: the station received {commandIds.Count} commands ({string.Join(", ", commandIds)}); executed more than once");
            }
        }

        foreach (var (commandId, expected) in _ledger.Commands)
        {
            if (!context.Station.Deliveries.ContainsKey(commandId))
            {
                _ledger.Violation($"command {commandId} ({expected.Type}): accepted, never received by the station");
            }
        }
    }

    // Every EVSE only the driver reported: the CSO's log holds exactly the reported changes, in order; and the
    // current status is the last one.
    private void CheckStatuses(CsoView cso)
    {
        foreach (var (evseId, reported) in _ledger.Statuses)
        {
            var log = cso.StatusLog.GetValueOrDefault(evseId) ?? [];
            if (!log.SequenceEqual(reported))
            {
                var at = log.Zip(reported).TakeWhile(pair => pair.First == pair.Second).Count();
                _ledger.Violation($"status log of {evseId}: {log.Count} entries, the station reported {reported.Count} changes; first difference at change {at + 1}");
            }

            if (!cso.Statuses.TryGetValue(evseId, out var current) || current != reported[^1])
            {
                _ledger.Violation($"status of {evseId}: the CSO answers {current}, the last change reported was {reported[^1]}");
            }
        }
    }

    // What the CSP shows its users: each site's EVSEs with their statuses (FindEvses near the site), and each
    // command's outcome (GetCommandResult). Polled until equal to the CSO's (the stream and pushes are asynchronous).
    private async Task CheckCspViewAsync(CsoView cso, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + settleTimeout;
        List<string> differences;
        do
        {
            differences = [];
            foreach (var site in cso.Sites.Values)
            {
                differences.AddRange(await SiteDifferencesAsync(site, cso, cancellationToken).ConfigureAwait(false));
            }

            foreach (var (commandId, expected) in _ledger.Commands)
            {
                var held = await context.Retrying.CallAsync(
                    "GetCommandResult",
                    options => _pair.CspBackoffice.GetCommandResultAsync(new GetCommandResultRequest { OperatorId = Parties.Cso.PartyId, CommandId = commandId }, options),
                    cancellationToken).ConfigureAwait(false);
                if (held.CommandResult?.Result != expected.Result)
                {
                    differences.Add($"command {commandId} ({expected.Type}): the CSP's GetCommandResult answers {held.CommandResult?.Result.ToString() ?? "none"}, the station reported {expected.Result}");
                }
            }

            if (differences.Count == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        while (DateTime.UtcNow < deadline);

        foreach (var difference in differences)
        {
            _ledger.Violation(difference);
        }
    }

    private async Task<IEnumerable<string>> SiteDifferencesAsync(Site site, CsoView cso, CancellationToken cancellationToken)
    {
        var request = new FindEvsesRequest { Near = context.Network.Locations[site.SiteId], RadiusMeters = 200, MaxResults = 100 };
        var found = await context.Retrying.CallAsync("FindEvses", options => _pair.CspBackoffice.FindEvsesAsync(request, options), cancellationToken).ConfigureAwait(false);
        var offers = found.Offers.Where(offer => offer.SiteId == site.SiteId).ToList();
        if (site.Removed)
        {
            return offers.Count == 0 ? [] : [$"site {site.SiteId}: removed at the CSO (version {site.Version}), the CSP's FindEvses still lists {offers.Count} EVSEs"];
        }

        var differences = new List<string>();
        if (offers.Count != site.Evses.Count)
        {
            differences.Add($"site {site.SiteId}: the CSP's FindEvses lists {offers.Count} of its {site.Evses.Count} EVSEs");
        }

        foreach (var offer in offers)
        {
            if (offer.SiteName != site.Name)
            {
                differences.Add($"site {site.SiteId}: the CSP shows \"{offer.SiteName}\", the CSO's version {site.Version} is \"{site.Name}\"");
                break;
            }
        }

        foreach (var offer in offers)
        {
            var expected = cso.Statuses.GetValueOrDefault(offer.EvseId, EvseStatus.Unknown);
            if (offer.Status != expected)
            {
                differences.Add($"EVSE {offer.EvseId}: the CSP shows {offer.Status}, the CSO {expected}");
            }
        }

        return differences;
    }

    private void Integrity(string name, StoredFiles file)
    {
        var rows = file.IntegrityCheck();
        if (rows.Count != 1 || rows[0] != "ok")
        {
            _ledger.Violation($"PRAGMA integrity_check of the {name}'s database: {string.Join("; ", rows.Take(5))}");
        }
    }

    // The CSP holds each CSO record once (one row per id) at the CSO's version, tombstones alike, and nothing else.
    private void Compare(string kind, IEnumerable<(string Id, ulong Version, bool Removed)> cso, IReadOnlyDictionary<string, (long Version, bool Removed, byte[] Payload)> csp)
    {
        var records = cso.ToList();
        PushCounts.Add((kind, records.Count, records.Aggregate(0UL, (sum, record) => sum + record.Version), csp.Count));
        foreach (var (id, version, removed) in records)
        {
            if (!csp.TryGetValue(id, out var held))
            {
                _ledger.Violation($"{kind} {id}: version {version} at the CSO, never received by the CSP");
            }
            else if ((ulong)held.Version != version || held.Removed != removed)
            {
                _ledger.Violation($"{kind} {id}: the CSP holds version {held.Version} (removed {held.Removed}), the CSO version {version} (removed {removed})");
            }
        }

        var known = records.Select(record => record.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in csp.Keys.Where(id => !known.Contains(id)))
        {
            _ledger.Violation($"{kind} {id}: held by the CSP, unknown at the CSO");
        }
    }

    private static string Text(double? value) => value?.ToString("0", CultureInfo.InvariantCulture) ?? "not reported";
}
