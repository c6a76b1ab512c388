using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Endpoint.Features.Authorization;
using RoamingGrpc.Endpoint.Features.Backoffice;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Navigation;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Pushes;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The home-CSP role: what it owns (tokens and authorization decisions), the services its CSO partners call (online
/// authorization, the receiver of their pushes), its back office (tokens, remote commands, navigation), and its
/// background duties (token list distribution, status subscriptions).
/// </summary>
internal static class CspRole
{
    /// <summary>Registers the CSP's features and background duties.</summary>
    public static IServiceCollection AddCspRole(this IServiceCollection services)
    {
        // Tokens (UC4-2) and online authorization (UC4-1).
        services.AddSingleton<TokenBackoffice>();
        services.AddSingleton<TokenListDistributor>();
        services.AddHostedService(provider => provider.GetRequiredService<TokenListDistributor>());
        services.AddSingleton<IdempotentDecisions>();
        services.AddHostedService(provider => provider.GetRequiredService<IdempotentDecisions>());

        // What partner CSOs push and stream (UC1-2, UC1-3, UC2-1, UC3, UC5-1).
        services.AddSingleton<PushReceiver>();
        services.AddSingleton<StatusSubscriber>();
        services.AddHostedService(provider => provider.GetRequiredService<StatusSubscriber>());

        // Remote commands for the user's app (UC3-2, UC3-4) and navigation (Annex A.2).
        services.AddSingleton<RemoteCommands>();
        services.AddSingleton<EvseFinder>();
        return services;
    }

    /// <summary>Maps the services a CSP serves: to its CSO partners, and its back office.</summary>
    public static WebApplication MapCspRole(this WebApplication app)
    {
        app.MapGrpcService<AuthorizationServiceImpl>();
        app.MapGrpcService<CsoUpdateServiceImpl>();
        app.MapGrpcService<CspBackofficeServiceImpl>();
        return app;
    }
}
