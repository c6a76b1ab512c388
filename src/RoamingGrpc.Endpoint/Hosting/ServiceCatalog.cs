using Microsoft.AspNetCore.Builder;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Authorization;
using RoamingGrpc.Endpoint.Features.Backoffice;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Features.Platform;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Support;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Pushes;

namespace RoamingGrpc.Endpoint.Hosting;

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
