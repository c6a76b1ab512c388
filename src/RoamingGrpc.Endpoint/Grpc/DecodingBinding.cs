using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RoamingGrpc.Endpoint.Grpc;

/// <summary>Registration of <see cref="DecodingServiceMethodProvider{TService}"/> in place of gRPC's own method provider.</summary>
internal static class DecodingBinding
{
    /// <summary>
    /// Puts <see cref="DecodingServiceMethodProvider{TService}"/> in the place of gRPC's binder-based one (registered by every <c>AddGrpc*</c> call, so call
    /// this after all of them). Fails at start when gRPC no longer registers it as expected, rather than serving every
    /// method twice.
    /// </summary>
    public static IServiceCollection UseDecodingBinder(this IServiceCollection services)
    {
        var grpcOwn = services.Where(descriptor =>
                descriptor.ServiceType == typeof(IServiceMethodProvider<>)
                && descriptor.ImplementationType is { Name: "BinderServiceMethodProvider`1" })
            .ToList();
        if (grpcOwn.Count != 1)
        {
            throw new InvalidOperationException($"Expected gRPC's BinderServiceMethodProvider registered once, found {grpcOwn.Count}: the gRPC version changed how services are bound.");
        }

        services.Remove(grpcOwn[0]);
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(DecodingServiceMethodProvider<>)));
        return services;
    }
}
