using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Status;
using RoamingGrpc.Storage.Tokens;

namespace RoamingGrpc.Bench;

/// <summary>
/// The server process of one scenario: a real endpoint through the production host builder (or the JSON baseline),
/// on 127.0.0.1:0, with its own SQLite file. Prints <c>READY url</c> once it serves and runs until stdin closes.
/// </summary>
internal static class BenchServer
{
    public const int Tokens = 100_000;
    private const int TokenBatch = 5_000;

    public static async Task<int> RunAsync(string kind, string root)
    {
        var app = kind switch
        {
            "csp" => Endpoint(BenchParties.Csp, BenchParties.Cso, root, "csp", null),
            "cso-sqlite" => Endpoint(BenchParties.Cso, BenchParties.Csp, root, "cso-sqlite", null),
            "cso-sqlite-full" or "cso-sqlite-normal" => Endpoint(BenchParties.Cso, BenchParties.Csp, root, kind, null, new Dictionary<string, string?>
            {
                ["Roaming:DatabaseSynchronous"] = kind == "cso-sqlite-full" ? "Full" : "Normal",
            }),
            "cso-memory" => Endpoint(BenchParties.Cso, BenchParties.Csp, root, "cso-memory", services =>
            {
                services.AddSingleton<IEvseStatusStore, InMemoryStatusStore>();
            }),
            "json" => JsonBaseline(root),
            _ when ScaleSeeder.EvsesOf(kind) is not null => Endpoint(BenchParties.Cso, BenchParties.Csp, root, kind, null),
            _ => throw new ArgumentException($"unknown server kind {kind}", nameof(kind)),
        };
        await app.StartAsync().ConfigureAwait(false);
        if (kind == "csp")
        {
            await SeedTokensAsync(app.Services).ConfigureAwait(false);
        }

        if (ScaleSeeder.EvsesOf(kind) is { } evses)
        {
            await ScaleSeeder.SeedAsync(app.Services, evses).ConfigureAwait(false);
        }

        var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .First(address => address.StartsWith("https://", StringComparison.Ordinal));
        await Console.Out.WriteLineAsync($"READY {url}").ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        while (await Console.In.ReadLineAsync().ConfigureAwait(false) is { } command)
        {
            if (command == "mem")
            {
                // After a full, compacting collection: what stays is live (the streams' state), not garbage.
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                using var self = System.Diagnostics.Process.GetCurrentProcess();
                await Console.Out.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"MEM {self.WorkingSet64} {GC.GetTotalMemory(false)}")).ConfigureAwait(false);
                await Console.Out.FlushAsync().ConfigureAwait(false);
            }
        }

        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        return 0;
    }

    private static WebApplication Endpoint(
        Domain.Parties.PartyIdentity self,
        Domain.Parties.PartyIdentity partner,
        string root,
        string name,
        Action<IServiceCollection>? services,
        IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = EndpointOverrides.For(
            self,
            "127.0.0.1:0",
            BenchParties.Certificates(root, self.Role == Domain.Parties.PartyRole.Cso ? "cso" : "csp"),
            Path.Combine(root, name + ".db"),
            $"Bench {self}",
            [(partner, null)]);

        // The configuration's levels win over the logging builder's minimum: warnings and errors only, as the
        // servers' logs are for diagnosing a run (the pushes to the driver's dead URL warn), not per-call output.
        var overrides = new Dictionary<string, string?>(settings) { ["Logging:LogLevel:Default"] = "Warning" };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            overrides[key] = value;
        }

        return RoamingEndpointHost.Build(null, overrides, Logging, configureServices: services);
    }

    // Warnings and errors only, to stderr (run.sh keeps it in a file): the pushes to the driver's dead URL warn.
    private static void Logging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole();
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(LogLevel.Warning);
    }

    // 100 000 RFID tokens through the store's write path, 5 000 per write (one transaction each).
    private static async Task SeedTokensAsync(IServiceProvider services)
    {
        var database = services.GetRequiredService<IDatabase>();
        var tokens = services.GetRequiredService<ITokenRepository>();
        var now = DateTimeOffset.UtcNow;
        for (var start = 0; start < Tokens; start += TokenBatch)
        {
            var first = start;
            await database.WriteAsync(
                context =>
                {
                    for (var i = first; i < first + TokenBatch; i++)
                    {
                        var token = Token(i, now);
                        tokens.Save(context, new TokenRow((long)token.Type, token.Uid, 0, now.ToUnixTimeMilliseconds(), 1, (long)token.Whitelist, 0, token.ToByteArray()));
                    }

                    return 0;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
    }

    public static string Uid(int index) => index.ToString("X14", System.Globalization.CultureInfo.InvariantCulture);

    private static Token Token(int index, DateTimeOffset now) => new()
    {
        Uid = Uid(index),
        Type = TokenType.Rfid,
        ProviderId = BenchParties.Csp.PartyId,
        Issuer = "Bench",
        Valid = true,
        Whitelist = WhitelistType.Allowed,
        UpdateTime = Timestamp.FromDateTimeOffset(now),
    };

    // The request-per-change baseline: PUT /evse-status/{evseId} with a JSON body, over HTTP/2 with mutual TLS, each
    // change written through the same store (log entry + current status) in its own write.
    private static WebApplication JsonBaseline(string root)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSqliteStorage(storage => storage.DatabasePath = Path.Combine(root, "json.db"));
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BenchJsonContext.Default));
        var certificates = BenchParties.Certificates(root, "csp");
        var serverCertificate = X509Certificate2.CreateFromPemFile(Path.Combine(certificates, CertificateAuthority.CertificateFile), Path.Combine(certificates, CertificateAuthority.KeyFile));
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(certificates, CertificateAuthority.CaCertificateFile)));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, ca),
            });
        }));
        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => app.Services.GetRequiredService<SqliteDatabase>().InitializeAsync().GetAwaiter().GetResult());
        app.MapPut("/evse-status/{evseId}", async (string evseId, StatusChange change, IDatabase database, IEvseStatusStore statuses, CancellationToken cancellationToken) =>
        {
            var changeTime = change.ChangeTime.ToUnixTimeMilliseconds();
            var applied = await database.WriteAsync(
                context =>
                {
                    var current = statuses.Current(context, evseId);
                    if (current is not null && (changeTime < current.ChangeTime || change.Status == current.Status))
                    {
                        return false;
                    }

                    statuses.Append(context, evseId, "SITE", change.Status, changeTime, DateTimeOffset.UtcNow);
                    return true;
                },
                cancellationToken).ConfigureAwait(false);
            return applied ? Results.NoContent() : Results.Ok();
        });
        return app;
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
