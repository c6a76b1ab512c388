using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Observability;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Fuzz.Streams;

/// <summary>
/// The durable logs the stream target's streams read: the production SQLite stores in a temporary database, filled
/// once with a status log (5 EVSEs of two sites, 30 changes, the first 10 pruned) and a charging-information log (two
/// sessions of DE-8EO, one of another CSP, command outcomes), and never written again while fuzzing.
/// </summary>
internal sealed class StreamLogs : IAsyncDisposable
{
    public static readonly PartyIdentity Cso = PartyIdentity.Create(PartyRole.Cso, "DE*ABC");
    public const string Provider = "DE-8EO";
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly string _directory;

    private StreamLogs(ServiceProvider services, string directory)
    {
        _services = services;
        _directory = directory;
        Statuses = services.GetRequiredService<IEvseStatusStore>();
        Sessions = services.GetRequiredService<ISessionStore>();
        Notifier = services.GetRequiredService<CommitNotifier>();
        Metrics = services.GetRequiredService<RoamingMetrics>();
    }

    public IEvseStatusStore Statuses { get; }

    public ISessionStore Sessions { get; }

    public CommitNotifier Notifier { get; }

    public RoamingMetrics Metrics { get; }

    /// <summary>The EVSE ids in the status log.</summary>
    public static IReadOnlyList<string> EvseIds { get; } = ["DE*ABC*E1*1", "DE*ABC*E1*2", "DE*ABC*E2*1", "DE*ABC*E2*2", "DE*ABC*E2*3"];

    public static async Task<StreamLogs> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "roaming-fuzz", "streams-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var services = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSqliteStorage(options => options.DatabasePath = Path.Combine(directory, "streams.db"))
            .AddSingleton(EndpointSettings.From(new RoamingEndpointOptions
            {
                Role = "cso",
                PartyId = Cso.PartyId,
                Listen = "127.0.0.1:0",
                Metrics = { Listen = string.Empty, MeterName = "RoamingGrpc.Fuzz.Streams" },
            }))
            .AddSingleton<RoamingMetrics>()
            .BuildServiceProvider();
        await services.GetRequiredService<SqliteDatabase>().InitializeAsync().ConfigureAwait(false);
        var logs = new StreamLogs(services, directory);
        await logs.SeedAsync().ConfigureAwait(false);
        return logs;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory: left for the system to clean when a file is still held.
        }
    }

    private async Task SeedAsync()
    {
        var database = _services.GetRequiredService<IDatabase>();
        await database.WriteAsync(write =>
        {
            for (var i = 0; i < 30; i++)
            {
                var evseId = EvseIds[i % EvseIds.Count];
                var logged = Start + (i < 10 ? TimeSpan.Zero : TimeSpan.FromHours(1));
                Statuses.Append(write, evseId, evseId.Contains("*E1*", StringComparison.Ordinal) ? "SITE-1" : "SITE-2", 1 + (i % 5), (Start + TimeSpan.FromMinutes(i)).ToUnixTimeMilliseconds(), logged);
            }

            for (var i = 0; i < 24; i++)
            {
                var (provider, sessionId) = (i % 3) switch
                {
                    0 => (Provider, "session-1"),
                    1 => (Provider, "session-2"),
                    _ => ("DE-XYZ", "session-3"),
                };
                var logged = Start + (i < 6 ? TimeSpan.Zero : TimeSpan.FromHours(1));
                if (i % 8 == 7)
                {
                    var result = new CommandResult { CommandId = $"command-{i}", Result = CommandResultType.Accepted, SessionId = sessionId };
                    Sessions.AppendLog(write, provider, sessionId, ChargingInfoEntry.CommandResultKind, result.ToByteArray(), logged);
                }
                else
                {
                    var info = new ChargingInfo
                    {
                        SessionId = sessionId,
                        State = i < 20 ? SessionState.Active : SessionState.Completed,
                        EnergyKwh = i * 0.5,
                        UpdateTime = Timestamp.FromDateTimeOffset(Start + TimeSpan.FromMinutes(i)),
                    };
                    Sessions.AppendLog(write, provider, sessionId, ChargingInfoEntry.ChargingInfoKind, info.ToByteArray(), logged);
                }
            }

            return 0;
        }, CancellationToken.None).ConfigureAwait(false);
        await Statuses.PruneAsync(Start + TimeSpan.FromMinutes(30), CancellationToken.None).ConfigureAwait(false);
        await Sessions.PruneAsync(Start + TimeSpan.FromMinutes(30), CancellationToken.None).ConfigureAwait(false);
    }
}
