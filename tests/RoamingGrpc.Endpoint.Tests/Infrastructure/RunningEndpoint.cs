using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>One real endpoint started through the production host builder on 127.0.0.1:0.</summary>
public sealed class RunningEndpoint : IAsyncDisposable
{
    private RunningEndpoint(WebApplication app, PartyIdentity identity, TestLog log, string database)
    {
        App = app;
        Identity = identity;
        Log = log;
        Database = database;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single(address => address.StartsWith("https://", StringComparison.Ordinal));
        Url = new Uri(address);
    }

    private int _disposed;

    public WebApplication App { get; }

    public PartyIdentity Identity { get; }

    public TestLog Log { get; }

    public string Database { get; }

    public Uri Url { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<RunningEndpoint> StartAsync(
        ITestOutputHelper output,
        PartyIdentity identity,
        string certificateDirectory,
        string database,
        IReadOnlyList<(PartyIdentity Identity, Uri? Url)> partners,
        IReadOnlyDictionary<string, string?>? extra = null,
        Action<IServiceCollection>? services = null,
        CancellationToken cancellationToken = default)
    {
        var settings = EndpointOverrides.For(identity, "127.0.0.1:0", certificateDirectory, database, $"Test {identity}", partners);
        settings["Roaming:Handshake:InitialBackoff"] = "00:00:00.100";
        settings["Roaming:Handshake:MaxBackoff"] = "00:00:00.500";
        settings["Roaming:Handshake:CallTimeout"] = "00:00:05";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var log = new TestLog(output, identity.ToString());
        var app = RoamingEndpointHost.Build(null, settings, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(log);
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
            logging.AddFilter("Grpc", LogLevel.Warning);
        },
        configureServices: services);
        await app.StartAsync(cancellationToken);
        return new RunningEndpoint(app, identity, log, database);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // stopped already (a test that stops an endpoint itself)
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
