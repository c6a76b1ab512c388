namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Declares which callers a gRPC service admits. Every service this endpoint maps carries one, on its class or, for the
/// services of libraries (health, reflection), as endpoint metadata given where the host maps them; a service without
/// it is refused to everyone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class CallersAttribute(CallerPolicy policy) : Attribute
{
    /// <summary>The admitted callers.</summary>
    public CallerPolicy Policy { get; } = policy;
}
