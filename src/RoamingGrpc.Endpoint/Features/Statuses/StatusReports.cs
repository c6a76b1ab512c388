using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Support;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Statuses;

/// <summary>
/// The stations' EVSE status changes (UC1-3): each change newer than (and different from) the EVSE's current status
/// goes into the durable status log that WatchEvseStatus streams read; an EVSE held by an active maintenance notice
/// (UC5-1) keeps the notice's status, and the station's change is kept as the status it returns to. Runs inside the
/// caller's write transaction; one query each for the batch's sites, maintenance holds and current statuses.
/// </summary>
internal sealed class StatusReports(ISiteRepository sites, IEvseStatusStore statuses, MaintenanceNotices maintenance, TimeProvider clock)
{
    /// <summary>Applies the changes (EVSEs of this operator's sites only: NOT_FOUND otherwise); counts applied and ignored ones.</summary>
    public ReportEvseStatusResponse Report(WriteContext write, IReadOnlyList<(string EvseId, long Status, long ChangeTime)> changes, string operatorId)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var evseIds = changes.Select(change => change.EvseId).Distinct(StringComparer.Ordinal).ToList();
        var sitesOfEvses = sites.SitesOfEvses(write, evseIds);
        for (var i = 0; i < changes.Count; i++)
        {
            if (!sitesOfEvses.ContainsKey(changes[i].EvseId))
            {
                throw RoamingErrors.Create(
                    ErrorKind.NotFound,
                    ErrorReason.UnknownEvse,
                    $"statuses[{i}].evse_id: EVSE {changes[i].EvseId} is not on any site of {operatorId}; publish its site first.",
                    [new("field", $"statuses[{i}].evse_id"), new("evse_id", changes[i].EvseId)]);
            }
        }

        var held = maintenance.Held(write, evseIds);
        var latest = statuses.CurrentOf(write, evseIds).ToDictionary(entry => entry.Key, entry => (entry.Value.Status, entry.Value.ChangeTime), StringComparer.Ordinal);
        var result = new ReportEvseStatusResponse();
        var now = clock.GetUtcNow();
        foreach (var (evseId, status, changeTime) in changes)
        {
            if (held.Contains(evseId) && maintenance.TakeStationStatus(write, evseId, status, changeTime) is { } taken)
            {
                // A maintenance notice holds the EVSE (UC5-1): this is the status it returns to when the notice ends.
                if (taken)
                {
                    result.AppliedCount++;
                }
                else
                {
                    result.IgnoredCount++;
                }

                continue;
            }

            if (latest.TryGetValue(evseId, out var current) && (changeTime < current.ChangeTime || status == current.Status))
            {
                result.IgnoredCount++;
                continue;
            }

            statuses.Append(write, evseId, sitesOfEvses[evseId], status, changeTime, now);
            latest[evseId] = (status, changeTime);
            result.AppliedCount++;
        }

        return result;
    }
}
