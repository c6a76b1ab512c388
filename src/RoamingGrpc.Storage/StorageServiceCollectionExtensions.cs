using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Storage.ChargePlans;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Partners;
using RoamingGrpc.Storage.Requests;
using RoamingGrpc.Storage.Outbox;
using RoamingGrpc.Storage.PartnerData;
using RoamingGrpc.Storage.Reservations;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Status;
using RoamingGrpc.Storage.Support;
using RoamingGrpc.Storage.Tariffs;
using RoamingGrpc.Storage.Tokens;

namespace RoamingGrpc.Storage;

/// <summary>Registers the embedded SQLite store and its repositories.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds the SQLite database, the single writer and the repositories.</summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, Action<StorageOptions> configure)
    {
        services.Configure(configure);
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddSingleton<CommitNotifier>();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<IDatabase>(provider => provider.GetRequiredService<SqliteDatabase>());
        services.AddSingleton<IPartnerRepository, PartnerRepository>();
        services.AddSingleton<IRequestLog, RequestLog>();
        services.AddSingleton<ISiteRepository, SiteRepository>();
        services.AddSingleton<IOutbox, OutboxRepository>();
        services.AddSingleton<ITariffRepository, TariffRepository>();
        services.AddSingleton<IEvseStatusStore, EvseStatusStore>();
        services.AddSingleton<IPartnerStatusStore, PartnerStatusStore>();
        services.AddSingleton<IReceivedRecords, ReceivedRecords>();
        services.AddSingleton<ISessionStore, SessionStore>();
        services.AddSingleton<ICommandStore, CommandStore>();
        services.AddSingleton<ISdrStore, SdrStore>();
        services.AddSingleton<IChargePlanStore, ChargePlanStore>();
        services.AddSingleton<ITokenRepository, TokenRepository>();
        services.AddSingleton<ITokenDistributionStore, TokenDistributionStore>();
        services.AddSingleton<IPartnerTokenLists, PartnerTokenLists>();
        services.AddSingleton<IMaintenanceStore, MaintenanceStore>();
        services.AddSingleton<IUnlockRequestLog, UnlockRequestLog>();
        services.AddSingleton<IReservationStore, ReservationStore>();
        return services;
    }
}
