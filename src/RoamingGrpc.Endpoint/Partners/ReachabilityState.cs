namespace RoamingGrpc.Endpoint.Partners;

/// <summary>Whether this endpoint reaches a partner with its own calls (the contract's <c>ReachabilityState</c>).</summary>
internal enum ReachabilityState
{
    /// <summary>Not called since the endpoint started.</summary>
    Unknown = 1,

    /// <summary>The latest call reached the partner and was answered.</summary>
    Reachable = 2,

    /// <summary>The latest calls failed; they are retried with backoff.</summary>
    Failing = 3,

    /// <summary>Calls failed for too long: automatic calls stopped, a handshake probes the partner now and then.</summary>
    Unreachable = 4,
}
