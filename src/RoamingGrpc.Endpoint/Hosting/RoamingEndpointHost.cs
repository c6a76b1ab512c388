using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Authorization;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Navigation;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Features.Platform;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Features.Sdrs;
using RoamingGrpc.Endpoint.Features.Statuses;
using RoamingGrpc.Endpoint.Features.Support;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Limits;
using RoamingGrpc.Endpoint.Observability;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The production host builder of a roaming endpoint. <c>roaming serve</c>, <c>roaming demo</c> and the
/// integration tests all start endpoints through <see cref="Build"/>.
/// </summary>
public static class RoamingEndpointHost
{
    /// <summary>
    /// Builds an endpoint host. Configuration comes from <paramref name="configFile"/> (JSON, optional), then
    /// environment variables, then <paramref name="overrides"/> (flat <c>Roaming:Key</c> pairs, highest precedence).
    /// <paramref name="partners"/>, when given, replaces the configured partner list as a whole (configuration
    /// merges lists by index, which would keep entries the caller meant to drop). <paramref name="configureServices"/>
    /// runs after every production registration, so that an in-process host (tests) can replace a service, e.g. the
    /// <see cref="TimeProvider"/>; production callers leave it out.
    /// </summary>
    public static WebApplication Build(
        string? configFile,
        IReadOnlyDictionary<string, string?> overrides,
        Action<ILoggingBuilder>? configureLogging = null,
        IReadOnlyList<PartnerOptions>? partners = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = Directory.GetCurrentDirectory(),
            EnvironmentName = Environments.Production,
        });
        // Defaults go below every other source (appsettings.json, the --config file, environment, flags).
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = DefaultSettings });
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(overrides);
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }

        var options = new RoamingEndpointOptions();
        builder.Configuration.GetSection(RoamingEndpointOptions.SectionName).Bind(options);
        if (partners is not null)
        {
            ReplacePartners(options, partners);
        }

        var settings = EndpointSettings.From(options);
        AddEndpointServices(builder.Services, builder.Configuration, settings);
        configureServices?.Invoke(builder.Services);
        builder.WebHost.ConfigureKestrel(kestrel => KestrelSetup.Configure(kestrel, settings, kestrel.ApplicationServices.GetRequiredService<IOptions<LimitsOptions>>().Value));

        var app = builder.Build();
        if (settings.HealthListen is not null)
        {
            // The health listener serves the gRPC health service and nothing else (HTTP 404 is gRPC's UNIMPLEMENTED).
            app.UseWhen(HealthListener.Serves, health => health.Use((context, next) =>
            {
                if (context.Request.Path.StartsWithSegments(HealthListener.ServicePath.TrimEnd('/'), StringComparison.Ordinal))
                {
                    return next(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }));
        }

        if (settings.MetricsListen is not null)
        {
            // The metrics listener is the other plain-HTTP one: it serves GET /metrics and nothing else.
            app.UseWhen(context => !context.Request.IsHttps && !HealthListener.Serves(context), metrics =>
            {
                metrics.UseOpenTelemetryPrometheusScrapingEndpoint();
                metrics.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                });
            });
        }

        // Before gRPC reads a request: the receive deadline and the calls in progress per partner.
        app.UseMiddleware<CallLimitsMiddleware>();
        app.MapGrpcService<PlatformServiceImpl>();
        app.MapGrpcService<PartnerBackofficeServiceImpl>();
        if (settings.Identity.Role == PartyRole.Cso)
        {
            app.MapCsoRole();
        }
        else
        {
            app.MapCspRole();
        }

        // Health and reflection come from libraries: the policy our services carry as [Callers] is given here. A partner's
        // monitoring may ask before its endpoint's handshake; parties without an agreement learn nothing. A load balancer
        // without a certificate asks the loopback health listener.
        app.MapGrpcHealthChecksService().WithMetadata(new CallersAttribute(CallerPolicy.PartnerOrOwnBackoffice));
        app.MapGrpcReflectionService().WithMetadata(new CallersAttribute(CallerPolicy.PartnerOrOwnBackoffice));
        return app;
    }

    private static readonly Dictionary<string, string?> DefaultSettings = new()
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Logging:LogLevel:Grpc"] = "Warning",
        // Health is read through the gRPC health service (probes poll it); a partner that is down must not turn every
        // probe into an error log line. The partner and storage problems themselves are logged where they happen.
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "Critical",
    };

    private static void ReplacePartners(RoamingEndpointOptions options, IReadOnlyList<PartnerOptions> partners)
    {
        options.Partners.Clear();
        foreach (var partner in partners)
        {
            options.Partners.Add(partner);
        }
    }

    private static void AddEndpointServices(IServiceCollection services, ConfigurationManager configuration, EndpointSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSettingsSections(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => new EndpointCredentials(settings.CertificateDirectory, settings.Identity, provider.GetRequiredService<ILogger<EndpointCredentials>>()));
        // The revocation file is watched on the real clock: files change in real time, whatever clock the endpoint keeps.
        services.AddSingleton(provider => new RevocationList(settings.RevocationFile, provider.GetRequiredService<ILogger<RevocationList>>(), TimeProvider.System));
        services.AddSqliteStorage(storage =>
        {
            storage.DatabasePath = settings.Database;
            storage.Synchronous = settings.DatabaseSynchronous;
        });
        services.AddHostedService<StorageStartup>();
        services.AddSingleton<RoamingMetrics>();
        services.AddSingleton<RefusalLog>();
        services.AddSingleton<ConnectionAdmission>();
        services.AddSingleton<TlsAdmission>();
        services.AddSingleton<CallerNames>();
        services.AddSingleton<CallsInProgress>();
        services.AddSingleton<CallLimitsMiddleware>();
        services.AddSingleton<MalformedMessages>();
        services.AddHttpContextAccessor();
        services.AddHostedService<OutboxSampler>();
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(settings.MeterName);
            if (settings.MetricsListen is not null)
            {
                metrics.AddPrometheusExporter();
            }
        });
        services.AddSingleton<PartnerDirectory>();
        services.AddSingleton<ReachabilityTracker>();
        services.AddSingleton<StatedUrlPolicy>();
        services.AddSingleton<PeerCertificateValidator>();
        services.AddSingleton(provider => new PartnerChannelFactory(
            provider.GetRequiredService<EndpointCredentials>(),
            provider.GetRequiredService<PeerCertificateValidator>(),
            provider.GetRequiredService<IOptions<LimitsOptions>>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<PlatformDescription>();
        services.AddSingleton<CallerAuthorizer>();
        services.AddSingleton<CallerWatches>();
        services.AddSingleton<IdempotentWriter>();
        services.AddSingleton<PartnerHandshaker>();
        services.AddSingleton<IPartnerHandshaker>(provider => provider.GetRequiredService<PartnerHandshaker>());
        services.AddHostedService(provider => provider.GetRequiredService<PartnerHandshaker>());
        services.AddHostedService<RequestLogPruner>();
        if (settings.Identity.Role == PartyRole.Cso)
        {
            services.AddCsoRole();
        }
        else
        {
            services.AddCspRole();
        }

        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<LimitsOptions>>((grpc, limits) =>
        {
            grpc.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = limits.Value.MaxSendMessageSize;
        });
        services.AddGrpc(grpc =>
        {
            grpc.EnableDetailedErrors = false;
            grpc.Interceptors.Add<MetricsInterceptor>();
            grpc.Interceptors.Add<ErrorInterceptor>();
            grpc.Interceptors.Add<CallerInterceptor>();
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(health =>
            {
                // The endpoint ("") serves while its storage works; partner reachability is its own health service.
                health.Services.Map(string.Empty, result => !result.Tags.Contains(PartnerHealthCheck.Tag));
                health.Services.Map(PartnerHealthCheck.ServiceName, result => result.Tags.Contains(PartnerHealthCheck.Tag));
            })
            .AddCheck<StorageHealthCheck>("storage")
            .AddCheck<PartnerHealthCheck>("partners", tags: [PartnerHealthCheck.Tag]);
        services.UseDecodingBinder(); // after every AddGrpc*: each registers gRPC's own binder
    }
}
