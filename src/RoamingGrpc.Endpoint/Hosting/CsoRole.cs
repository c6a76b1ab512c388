using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Endpoint.Features.Authorization;
using RoamingGrpc.Endpoint.Features.Backoffice;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Support;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Streams;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The visited-CSO role: what it owns (sites, status, tariffs, sessions, SDRs, reservations, charge plans, maintenance
/// notices), the services its CSP partners call, its back office, and its background duties (outbox relay, command
/// timeouts, reservation expiry, maintenance times, change log pruning).
/// </summary>
internal static class CsoRole
{
    /// <summary>Registers the CSO's features and background duties.</summary>
    public static IServiceCollection AddCsoRole(this IServiceCollection services)
    {
        // Sites (UC1-2), EVSE status (UC1-3), tariffs (UC2).
        services.AddSingleton<EvseLocator>();
        services.AddSingleton<SitePublisher>();
        services.AddSingleton<SiteBackoffice>();
        services.AddSingleton<StatusReports>();
        services.AddSingleton<StatusBackoffice>();
        services.AddSingleton<TariffPublisher>();
        services.AddSingleton<TariffBackoffice>();

        // Charging (UC3-1 to UC3-6), its commands and authorization at the EVSE (UC4-1, UC4-2 as the CSO).
        services.AddSingleton<TokenAuthorizer>();
        services.AddSingleton<StationCommands>();
        services.AddSingleton<CommandOutcomes>();
        services.AddSingleton<ICommandOutcomeEffect, FailedStart>();
        services.AddSingleton<EvseAvailability>();
        services.AddSingleton<StartAdmission>();
        services.AddSingleton<SessionCommands>();
        services.AddSingleton<SessionEvents>();
        services.AddSingleton<SessionPublisher>();
        services.AddSingleton<ChargingInfoProjection>();
        services.AddSingleton<StationBackoffice>();
        services.AddHostedService<CommandTimeouts>();

        // Charge plans (UC3-7, UC3-10), reservations (UC3-8), SDRs (UC3-9).
        services.AddSingleton<ChargePlansInForce>();
        services.AddSingleton<ChargePlanRequests>();
        services.AddSingleton<ICommandOutcomeEffect, AppliedChargePlan>();
        services.AddSingleton<ChargePlanBackoffice>();
        services.AddSingleton<ReservationLifecycle>();
        services.AddSingleton<ICommandOutcomeEffect, ConfirmedReservation>();
        services.AddSingleton<ReservationExpiry>();
        services.AddHostedService(provider => provider.GetRequiredService<ReservationExpiry>());
        services.AddSingleton<SessionPricing>();
        services.AddSingleton<SdrIssuer>();
        services.AddSingleton<SdrBackoffice>();

        // Maintenance and unlocking (UC5).
        services.AddSingleton<MaintenanceNotices>();
        services.AddHostedService<MaintenanceTransitions>();
        services.AddSingleton<ConnectorUnlocks>();
        services.AddSingleton<SupportBackoffice>();

        // Delivery to the CSPs: durable pushes and the change logs their streams read.
        services.AddSingleton<PushQueue>();
        services.AddSingleton<OutboxRelay>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxRelay>());
        services.AddHostedService<ChangeLogPruner>();
        return services;
    }

    /// <summary>Maps the services a CSO serves: to its CSP partners, and its back office.</summary>
    public static WebApplication MapCsoRole(this WebApplication app)
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
        return app;
    }
}
