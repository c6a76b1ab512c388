using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>How this endpoint's calls to one partner fare, as observed since the endpoint started.</summary>
internal sealed record Reachability(
    PartyIdentity Partner,
    ReachabilityState State,
    DateTimeOffset? LastAttemptTime,
    DateTimeOffset? LastSuccessTime,
    int ConsecutiveFailures,
    DateTimeOffset? FailingSinceTime,
    string LastErrorCode,
    string LastErrorMessage,
    DateTimeOffset? NextAttemptTime)
{
    /// <summary>True when automatic calls to the partner are stopped.</summary>
    public bool IsUnreachable => State == ReachabilityState.Unreachable;

    /// <summary>True when the latest call to the partner failed (retrying, or given up on).</summary>
    public bool IsFailing => State is ReachabilityState.Failing or ReachabilityState.Unreachable;

    /// <summary>A partner not called yet.</summary>
    public static Reachability Unknown(PartyIdentity partner) =>
        new(partner, ReachabilityState.Unknown, null, null, 0, null, string.Empty, string.Empty, null);
}
