using Microsoft.AspNetCore.Builder;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Pushes;

namespace RoamingGrpc.Endpoint.Services;

/// <summary>Which gRPC services an endpoint maps, by its role (besides health and reflection).</summary>
internal static class ServiceCatalog
{
    /// <summary>Maps the services of an endpoint in <paramref name="role"/>.</summary>
    public static void Map(WebApplication app, PartyRole role)
    {
        app.MapGrpcService<PlatformServiceImpl>();
        app.MapGrpcService<PartnerBackofficeServiceImpl>();
        if (role == PartyRole.Cso)
        {
            app.MapGrpcService<SiteServiceImpl>();
            app.MapGrpcService<EvseStatusServiceImpl>();
            app.MapGrpcService<TariffServiceImpl>();
            app.MapGrpcService<ChargingServiceImpl>();
            app.MapGrpcService<ChargePlanServiceImpl>();
            app.MapGrpcService<ReservationServiceImpl>();
            app.MapGrpcService<SdrServiceImpl>();
            app.MapGrpcService<SupportServiceImpl>();
            app.MapGrpcService<TokenUpdateServiceImpl>();
            app.MapGrpcService<CsoBackofficeServiceImpl>();
        }
        else
        {
            app.MapGrpcService<AuthorizationServiceImpl>();
            app.MapGrpcService<CsoUpdateServiceImpl>();
            app.MapGrpcService<CspBackofficeServiceImpl>();
        }
    }
}
