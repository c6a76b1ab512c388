namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// Deadlines of calls to partners. A gRPC deadline is an instant on the system clock (the client turns it into a
/// <c>grpc-timeout</c> against its own system clock), so it is taken from the system clock, never from the endpoint's
/// <see cref="TimeProvider"/>, which tests move.
/// </summary>
internal static class CallDeadline
{
    /// <summary>The deadline of a call that may take <paramref name="timeout"/> from now.</summary>
    public static DateTime After(TimeSpan timeout) => DateTime.UtcNow + timeout;
}
