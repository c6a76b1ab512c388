using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Storage.ChargePlans;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.ChargePlans;

/// <summary>
/// The charge plans of the CSO's sessions (UC3-7, UC3-10) and which one is in force: the CSO's override while one is
/// set, else the CSP's plan the station applied last. A plan the CSP requested stays PENDING in its command until the
/// station applies it (then it replaces the CSP's previous plan) or refuses it (the previous plan stays). Every change
/// of the plan in force is pushed to the session's CSP in the caller's write transaction, with a per-session version
/// that increases with every change; the caller streams the session's charging information again (its
/// <c>charge_plan</c> summary is built from <see cref="InForce(WriteContext, string)"/>).
/// </summary>
internal sealed class ChargePlansInForce(IChargePlanStore plans, PushQueue pushes)
{
    /// <summary>The plan in force for a session, or null.</summary>
    public ChargePlan? InForce(WriteContext write, string sessionId) =>
        plans.Find(write, sessionId) is { } row ? InForce(row) : null;

    /// <summary>The plan in force of stored plans: the CSO's override, else the CSP's plan, else null.</summary>
    public static ChargePlan? InForce(ChargePlanRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Parse(row.CsoPlan) ?? Parse(row.CspPlan);
    }

    /// <summary>
    /// Records a plan the CSP requested with a command (SetChargePlan, StartSession with a plan): PENDING until the
    /// station applies it; its id is the command's id. Nothing in force changes yet.
    /// </summary>
    public ChargePlan Request(WriteContext write, Session session, string commandId, ChargePlanSpec spec, DateTimeOffset now)
    {
        var row = RowOf(write, session);
        var plan = new ChargePlan
        {
            ChargePlanId = commandId,
            SessionId = session.SessionId,
            Spec = spec,
            Source = ChargePlanSource.Csp,
            Status = ChargePlanStatus.Pending,
            UpdateReason = ChargePlanUpdateReason.CspRequest,
            CommandId = commandId,
            UpdateTime = Timestamp.FromDateTimeOffset(now),
            Version = (ulong)row.Version + 1,
        };
        plans.Save(write, row with { Version = (long)plan.Version });
        return plan;
    }

    /// <summary>
    /// Applies the station's outcome of a command that carries a CSP plan: SET_CHARGE_PLAN ACCEPTED and START_SESSION
    /// STARTED (with a plan) make the plan the CSP's plan, applied at <paramref name="appliedAt"/>; CLEAR_CHARGE_PLAN
    /// ACCEPTED removes the CSP's plan. Any other outcome leaves everything as it was. True when the plan in force changed.
    /// </summary>
    public bool Settle(WriteContext write, Session session, StationCommand command, CommandResultType outcome, DateTimeOffset appliedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(command);
        var applies = (command.CommandType, outcome) switch
        {
            (CommandType.SetChargePlan, CommandResultType.Accepted) => command.ChargePlan is not null,
            (CommandType.StartSession, CommandResultType.Started) => command.ChargePlan is not null,
            (CommandType.ClearChargePlan, CommandResultType.Accepted) => true,
            _ => false,
        };
        if (!applies)
        {
            return false;
        }

        var row = RowOf(write, session);
        var version = (ulong)row.Version + 1;
        ChargePlan? csp = null;
        if (command.CommandType != CommandType.ClearChargePlan && command.ChargePlan is { } spec)
        {
            csp = new ChargePlan
            {
                ChargePlanId = command.CommandId,
                SessionId = session.SessionId,
                Spec = ChargePlanMapping.Anchored(spec, appliedAt),
                Source = ChargePlanSource.Csp,
                Status = ChargePlanStatus.Active,
                UpdateReason = ChargePlanUpdateReason.CspRequest,
                CommandId = command.CommandId,
                UpdateTime = Timestamp.FromDateTimeOffset(now),
                Version = version,
            };
        }

        return Change(write, session, row, csp, Parse(row.CsoPlan), ChargePlanUpdateReason.CspRequest, string.Empty, now).Published is not null;
    }

    /// <summary>
    /// Puts a CSO plan in force over the CSP's (<paramref name="spec"/> set), or ends the CSO's override (null) so
    /// that the CSP's plan, if any, is in force again, re-published with the CSO's reason. Returns the plan in force
    /// afterwards, or, when none is, the plan that was cleared (null if there was none either), and whether the plan
    /// in force changed.
    /// </summary>
    public (ChargePlan? Plan, bool Changed) Override(WriteContext write, Session session, ChargePlanSpec? spec, ChargePlanUpdateReason reason, string reasonDetail, DateTimeOffset now)
    {
        var row = RowOf(write, session);
        var version = (ulong)row.Version + 1;
        var csp = Parse(row.CspPlan);
        ChargePlan? cso = null;
        if (spec is not null)
        {
            cso = new ChargePlan
            {
                ChargePlanId = Guid.NewGuid().ToString(),
                SessionId = session.SessionId,
                Spec = ChargePlanMapping.Anchored(spec, now),
                Source = ChargePlanSource.Cso,
                Status = ChargePlanStatus.Active,
                UpdateReason = reason,
                ReasonDetail = reasonDetail,
                UpdateTime = Timestamp.FromDateTimeOffset(now),
                Version = version,
            };
        }
        else if (row.CsoPlan is null)
        {
            return (csp, false); // no override to end: nothing changes
        }
        else if (csp is not null)
        {
            // The CSP's plan is back in force because of the CSO's decision: that is its latest change.
            csp.UpdateReason = reason;
            csp.ReasonDetail = reasonDetail;
            csp.UpdateTime = Timestamp.FromDateTimeOffset(now);
            csp.Version = version;
        }

        var (published, inForce) = Change(write, session, row, csp, cso, reason, reasonDetail, now);
        return (inForce ?? published, published is not null);
    }

    /// <summary>The session ended: any plan in force is cleared (reason SESSION_ENDED). True when one was.</summary>
    public bool End(WriteContext write, Session session, DateTimeOffset now)
    {
        var row = plans.Find(write, session.SessionId);
        return row is not null && InForce(row) is not null
            && Change(write, session, row, null, null, ChargePlanUpdateReason.SessionEnded, string.Empty, now).Published is not null;
    }

    // Stores the session's new CSP and CSO plans under the next version; if the plan in force changed, pushes the new
    // one, or (none in force any more) the former one as CLEARED with the reason.
    private (ChargePlan? Published, ChargePlan? InForce) Change(
        WriteContext write, Session session, ChargePlanRow row, ChargePlan? csp, ChargePlan? cso, ChargePlanUpdateReason reason, string reasonDetail, DateTimeOffset now)
    {
        var version = row.Version + 1;
        var before = InForce(row);
        var after = cso ?? csp;
        ChargePlan? published = null;
        if (after is not null && !after.Equals(before))
        {
            published = after;
        }
        else if (after is null && before is not null)
        {
            published = before.Clone();
            published.Status = ChargePlanStatus.Cleared;
            published.UpdateReason = reason;
            published.ReasonDetail = reasonDetail;
            published.UpdateTime = Timestamp.FromDateTimeOffset(now);
            published.Version = (ulong)version;
        }

        plans.Save(write, row with { Version = version, CspPlan = csp?.ToByteArray(), CsoPlan = cso?.ToByteArray() });
        if (published is not null)
        {
            pushes.ToCsp(write, PushKinds.ChargePlan, session.ProviderId, published);
        }

        return (published, after);
    }

    private ChargePlanRow RowOf(WriteContext write, Session session) =>
        plans.Find(write, session.SessionId) ?? new ChargePlanRow(session.SessionId, session.ProviderId, 0, null, null);

    private static ChargePlan? Parse(byte[]? payload) => payload is null ? null : ChargePlan.Parser.ParseFrom(payload);
}
