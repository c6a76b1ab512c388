using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using RoamingGrpc.Endpoint.Limits;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>
/// Finds the methods of every mapped gRPC service (ours, health, reflection) through the generated <c>BindService</c>
/// named by the service base's <see cref="BindServiceMethodAttribute"/>, and binds them with
/// <see cref="DecodingServiceBinder{TService}"/>. It replaces gRPC's own provider (<see cref="DecodingBinding.UseDecodingBinder"/>).
/// </summary>
internal sealed class DecodingServiceMethodProvider<TService>(MalformedMessages malformed) : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var bind = BindMethod()
            ?? throw new InvalidOperationException($"{typeof(TService)} derives from no generated service base with a BindService(ServiceBinderBase, base) method.");
        bind.Invoke(null, [new DecodingServiceBinder<TService>(context, bind.GetParameters()[1].ParameterType, malformed), null]);
    }

    private static MethodInfo? BindMethod()
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } attribute)
            {
                return attribute.BindType
                    .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .FirstOrDefault(method => method.Name == attribute.BindMethodName
                        && method.GetParameters() is [{ ParameterType: var binder }, { ParameterType: var serviceBase }]
                        && binder == typeof(ServiceBinderBase)
                        && serviceBase.IsAssignableFrom(typeof(TService)));
            }
        }

        return null;
    }
}
