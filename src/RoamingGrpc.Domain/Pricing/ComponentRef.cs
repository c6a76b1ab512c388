namespace RoamingGrpc.Domain.Pricing;

/// <summary>A price component by position: element index and component index.</summary>
internal readonly record struct ComponentRef(int Element, int Component);
