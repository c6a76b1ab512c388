using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Maintenance;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Storage.Outbox;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;
using RoamingGrpc.Storage.Support;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>
/// The visited-CSO's maintenance notices (UC5-1): publishes, updates and ends them, moves them at their start and end
/// times, pushes every version to every CSP partner, and makes the EVSE status follow. While a notice is ACTIVE its
/// EVSEs are published OUTOFORDER (outage) or INOPERATIVE (planned maintenance) through the status log, and what the
/// station reports meanwhile is kept as the status to return to; when no active notice affects an EVSE any more it
/// returns to that status (AVAILABLE if none was known). Every method runs inside the caller's write transaction;
/// callers wake the status streams and the outbox relay after the commit.
/// </summary>
internal sealed class MaintenanceNotices(
    IMaintenanceStore notices,
    ISiteRepository sites,
    IEvseStatusStore statuses,
    PushQueue pushes,
    TimeProvider clock)
{
    /// <summary>
    /// Publishes a new notice (id assigned when empty) or a new version of an existing one; an unchanged notice is
    /// answered as stored. Unknown EVSEs or sites: NOT_FOUND; an ENDED or CANCELED notice: FAILED_PRECONDITION /
    /// WRONG_STATE.
    /// </summary>
    public MaintenanceNotice Publish(WriteContext write, MaintenanceNotice canonical)
    {
        var existing = canonical.MaintenanceNoticeId.Length > 0 ? notices.Find(write, canonical.MaintenanceNoticeId) : null;
        var stored = existing is null ? null : MaintenanceNotice.Parser.ParseFrom(existing.Payload);
        if (stored is not null && MaintenanceTimeline.IsFinal((MaintenancePhase)stored.State))
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                $"Maintenance notice '{stored.MaintenanceNoticeId}' is {ProtoEnumNames.Of(stored.State)}; publish a new notice instead.",
                [new("state", ProtoEnumNames.Of(stored.State)), new("maintenance_notice_id", stored.MaintenanceNoticeId)]);
        }

        var targets = Resolve(write, canonical, strict: true);
        if (stored is not null && WithoutStamps(stored).Equals(WithoutStamps(canonical)))
        {
            return stored;
        }

        var now = clock.GetUtcNow();
        var notice = canonical.Clone();
        if (notice.MaintenanceNoticeId.Length == 0)
        {
            notice.MaintenanceNoticeId = Guid.NewGuid().ToString();
        }

        var phase = MaintenanceTimeline.PhaseAt(notice.StartTime.ToDateTimeOffset(), notice.EndTime?.ToDateTimeOffset(), now);
        notice.State = (MaintenanceNoticeState)phase;
        notice.EndedTime = phase == MaintenancePhase.Ended ? notice.EndTime : null;
        IReadOnlyList<MaintenanceTarget> before = existing is null ? [] : notices.Targets(write, notice.MaintenanceNoticeId);
        Save(write, notice, stored?.Version ?? 0, targets, now);
        Reconcile(write, before.Concat(targets), now);
        return notice;
    }

    /// <summary>
    /// Ends a notice at <paramref name="endedAt"/> (null = now): CANCELED if that is before its start, ENDED otherwise;
    /// an ENDED or CANCELED notice is answered unchanged. Unknown id: NOT_FOUND / UNKNOWN_MAINTENANCE_NOTICE.
    /// </summary>
    public MaintenanceNotice End(WriteContext write, string noticeId, DateTimeOffset? endedAt)
    {
        var existing = notices.Find(write, noticeId)
            ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownMaintenanceNotice, $"Maintenance notice '{noticeId}' does not exist.", [new("maintenance_notice_id", noticeId)]);
        var notice = MaintenanceNotice.Parser.ParseFrom(existing.Payload);
        var phase = (MaintenancePhase)notice.State;
        if (MaintenanceTimeline.IsFinal(phase))
        {
            return notice;
        }

        var now = clock.GetUtcNow();
        var ended = endedAt ?? now;
        if (ended > now)
        {
            throw RoamingErrors.InvalidField("end_time", ErrorReason.InvalidField, "is in the future; to announce the end, publish the notice with its end_time");
        }

        var start = notice.StartTime.ToDateTimeOffset();
        if (phase == MaintenancePhase.Active && ended < start)
        {
            throw RoamingErrors.InvalidField("end_time", ErrorReason.InvalidField, "is before the notice's start_time; the notice was in force");
        }

        var next = MaintenanceTimeline.EndedBy(phase, start, ended);
        notice.State = (MaintenanceNoticeState)next;
        notice.EndedTime = next == MaintenancePhase.Ended ? Timestamp.FromDateTimeOffset(ended) : null;
        var targets = notices.Targets(write, noticeId);
        Save(write, notice, notice.Version, targets, now);
        Reconcile(write, targets, now);
        return notice;
    }

    /// <summary>
    /// Moves a notice whose start or end passed (SCHEDULED to ACTIVE, ACTIVE or SCHEDULED to ENDED); returns it, or
    /// null when nothing was due (it changed meanwhile). Taking effect resolves its sites' EVSEs again.
    /// </summary>
    public MaintenanceNotice? Advance(WriteContext write, string noticeId)
    {
        var existing = notices.Find(write, noticeId);
        if (existing is null)
        {
            return null;
        }

        var notice = MaintenanceNotice.Parser.ParseFrom(existing.Payload);
        var now = clock.GetUtcNow();
        var phase = MaintenanceTimeline.PhaseAt(notice.StartTime.ToDateTimeOffset(), notice.EndTime?.ToDateTimeOffset(), now);
        if (MaintenanceTimeline.IsFinal((MaintenancePhase)notice.State) || phase == (MaintenancePhase)notice.State)
        {
            return null;
        }

        notice.State = (MaintenanceNoticeState)phase;
        notice.EndedTime = phase == MaintenancePhase.Ended ? notice.EndTime : null;
        var before = notices.Targets(write, noticeId);
        var targets = phase == MaintenancePhase.Active ? Resolve(write, notice, strict: false) : before;
        Save(write, notice, notice.Version, targets, now);
        Reconcile(write, before.Concat(targets), now);
        return notice;
    }

    /// <summary>Which of these EVSEs a maintenance notice holds now (one query for a whole status report).</summary>
    public IReadOnlySet<string> Held(WriteContext write, IReadOnlyCollection<string> evseIds) => notices.HeldAmong(write, evseIds);

    /// <summary>
    /// A status the station reports for an EVSE: null when no notice holds the EVSE (publish it as usual); otherwise it
    /// becomes the status to return to when the notice ends (true), unless it is older than, or the same as, the one
    /// kept (false).
    /// </summary>
    public bool? TakeStationStatus(WriteContext write, string evseId, long status, long changeTime)
    {
        var hold = notices.Hold(write, evseId);
        if (hold is null)
        {
            return null;
        }

        if (hold.PriorStatus == status || (hold.PriorChangeTime is { } kept && changeTime < kept))
        {
            return false;
        }

        notices.SaveHold(write, hold with { PriorStatus = status, PriorChangeTime = changeTime });
        return true;
    }

    private void Save(WriteContext write, MaintenanceNotice notice, ulong previousVersion, IReadOnlyCollection<MaintenanceTarget> targets, DateTimeOffset now)
    {
        notice.Version = previousVersion + 1;
        notice.UpdateTime = Timestamp.FromDateTimeOffset(now);
        var next = MaintenanceTimeline.NextTransition((MaintenancePhase)notice.State, notice.StartTime.ToDateTimeOffset(), notice.EndTime?.ToDateTimeOffset());
        var payload = notice.ToByteArray();
        notices.Save(
            write,
            new MaintenanceNoticeRow(
                notice.MaintenanceNoticeId,
                (long)notice.State,
                (long)notice.Kind,
                (long)notice.Version,
                now.ToUnixTimeMilliseconds(),
                0,
                next?.ToUnixTimeMilliseconds(),
                payload),
            targets);

        // Every CSP partner learns of every notice: queued with the change (durable push).
        pushes.ToCsps(write, PushKinds.MaintenanceNotice, notice);
    }

    // What the notice affects: each named EVSE with its site, each named site as a whole ('' row) and with its EVSEs.
    // Strict (publishing): an unknown EVSE or site is NOT_FOUND. Lenient (taking effect later): what disappeared is skipped.
    private List<MaintenanceTarget> Resolve(WriteContext write, MaintenanceNotice notice, bool strict)
    {
        var targets = new HashSet<MaintenanceTarget>();
        for (var i = 0; i < notice.SiteIds.Count; i++)
        {
            var site = sites.Find(write, notice.SiteIds[i]);
            if (site is null || site.Removed)
            {
                if (strict)
                {
                    throw RoamingErrors.Create(
                        ErrorKind.NotFound,
                        ErrorReason.UnknownSite,
                        $"maintenance_notice.site_ids[{i}]: site '{notice.SiteIds[i]}' does not exist.",
                        [new("field", $"maintenance_notice.site_ids[{i}]"), new("site_id", notice.SiteIds[i])]);
                }

                continue;
            }

            targets.Add(new MaintenanceTarget(site.SiteId, string.Empty));
            foreach (var evse in Site.Parser.ParseFrom(site.Payload).Evses)
            {
                targets.Add(new MaintenanceTarget(site.SiteId, evse.EvseId));
            }
        }

        for (var i = 0; i < notice.EvseIds.Count; i++)
        {
            var siteId = sites.SiteOfEvse(write, notice.EvseIds[i]);
            if (siteId is null)
            {
                if (strict)
                {
                    throw RoamingErrors.Create(
                        ErrorKind.NotFound,
                        ErrorReason.UnknownEvse,
                        $"maintenance_notice.evse_ids[{i}]: EVSE {notice.EvseIds[i]} is not on any site of this operator.",
                        [new("field", $"maintenance_notice.evse_ids[{i}]"), new("evse_id", notice.EvseIds[i])]);
                }

                continue;
            }

            targets.Add(new MaintenanceTarget(siteId, notice.EvseIds[i]));
        }

        return [.. targets.OrderBy(target => target.SiteId, StringComparer.Ordinal).ThenBy(target => target.EvseId, StringComparer.Ordinal)];
    }

    // Puts each EVSE's published status where the active notices want it: held (OUTOFORDER over INOPERATIVE) or back
    // to the status it returns to.
    private void Reconcile(WriteContext write, IEnumerable<MaintenanceTarget> targets, DateTimeOffset now)
    {
        foreach (var evseId in targets.Select(target => target.EvseId).Where(evseId => evseId.Length > 0).Distinct(StringComparer.Ordinal))
        {
            var kinds = notices.ActiveKindsAt(write, evseId);
            EvseStatus? wanted = kinds.Contains((long)MaintenanceKind.Outage) ? EvseStatus.Outoforder
                : kinds.Contains((long)MaintenanceKind.Planned) ? EvseStatus.Inoperative
                : null;
            var hold = notices.Hold(write, evseId);
            var current = statuses.Current(write, evseId);
            EvseStatus target;
            if (wanted is { } held)
            {
                if (hold is null)
                {
                    notices.SaveHold(write, new MaintenanceHold(evseId, current?.Status, current?.ChangeTime, now.ToUnixTimeMilliseconds()));
                }

                target = held;
            }
            else if (hold is not null)
            {
                notices.RemoveHold(write, evseId);
                target = hold.PriorStatus is { } prior ? (EvseStatus)prior : EvseStatus.Available;
            }
            else
            {
                continue;
            }

            var siteId = sites.SiteOfEvse(write, evseId);
            if (siteId is not null && current?.Status != (long)target)
            {
                // Receivers keep the latest change time per EVSE: a change is never older than the status it replaces.
                var changeTime = Math.Max(now.ToUnixTimeMilliseconds(), (current?.ChangeTime ?? 0) + 1);
                statuses.Append(write, evseId, siteId, (long)target, changeTime, now);
            }
        }
    }

    // The notice's content, without what the endpoint stamps.
    private static MaintenanceNotice WithoutStamps(MaintenanceNotice notice)
    {
        var content = notice.Clone();
        content.State = MaintenanceNoticeState.Unspecified;
        content.EndedTime = null;
        content.UpdateTime = null;
        content.Version = 0;
        return content;
    }
}
