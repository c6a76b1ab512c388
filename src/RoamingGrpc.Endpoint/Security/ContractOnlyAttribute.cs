namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Marks a service that is part of the published contract but not implemented by this build: after the caller
/// is authorized, every call answers UNIMPLEMENTED with reason USE_CASE_NOT_LIVE naming the use cases.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ContractOnlyAttribute(string useCases) : Attribute
{
    /// <summary>The use cases the service carries, e.g. <c>UC1-2</c>.</summary>
    public string UseCases { get; } = useCases;
}
