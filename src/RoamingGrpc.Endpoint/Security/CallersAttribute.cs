namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Declares which callers a gRPC service admits. Every service this endpoint maps carries one; a service
/// without it is refused to everyone (health and reflection excepted).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class CallersAttribute(CallerPolicy policy) : Attribute
{
    /// <summary>The admitted callers.</summary>
    public CallerPolicy Policy { get; } = policy;
}
