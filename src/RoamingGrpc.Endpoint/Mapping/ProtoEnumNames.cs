using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf.Reflection;

namespace RoamingGrpc.Endpoint.Mapping;

/// <summary>The proto names of generated enum values (<c>ROLE_CSP</c>, not the C# <c>Csp</c>).</summary>
internal static class ProtoEnumNames
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    /// <summary>The value's name as written in the .proto file.</summary>
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Names.GetOrAdd(
            value,
            key => typeof(TEnum).GetField(key.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? key.ToString());
}
