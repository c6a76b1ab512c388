using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Platform;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Tests.Hosting;

/// <summary>The production host: configuration binding, limits, health, certificate rotation.</summary>
public sealed class EndpointHostTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public void From_InvalidSettings_ListsEveryProblemByKey()
    {
        var options = new RoamingEndpointOptions { Role = "hub", PartyId = "DE*ABC", Listen = "nowhere", PublicUrl = "http://plain" };
        options.Partners.Add(new PartnerOptions { Role = "csp", PartyId = "DE-8E", Url = "https://p" });

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Role must be cso or csp", error.Message, StringComparison.Ordinal);
        Assert.Contains("Roaming:Listen must be HOST:PORT", error.Message, StringComparison.Ordinal);
        Assert.Contains("Roaming:PublicUrl must be an absolute https URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_CsoWithCsoPartner_RejectsPartnerRole()
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };
        options.Partners.Add(new PartnerOptions { Role = "cso", PartyId = "DE*XYZ" });

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Partners:0:Role must be csp", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:7443", "127.0.0.1:7443")]
    [InlineData("127.0.0.1:7443", "*:7443")]
    [InlineData("*:7443", "127.0.0.1:7443")]
    public void From_MetricsOnThePortOfListen_Rejected(string listen, string metrics)
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC", Listen = listen };
        options.Metrics.Listen = metrics;

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Metrics:Listen must not use the port of Roaming:Listen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_MetricsOnAnotherPortOrAddressOrBothPortZero_Accepted()
    {
        foreach (var (listen, metrics) in new[] { ("127.0.0.1:7443", "127.0.0.1:9464"), ("127.0.0.1:7443", "127.0.0.2:7443"), ("127.0.0.1:0", "127.0.0.1:0") })
        {
            var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC", Listen = listen };
            options.Metrics.Listen = metrics;

            Assert.Equal(IPEndPoint.Parse(metrics), EndpointSettings.From(options).MetricsListen);
        }
    }

    [Theory]
    [InlineData("Off")]
    [InlineData("Extra")]
    [InlineData("2")]
    [InlineData("Full,Normal")]
    [InlineData("")]
    public void From_DatabaseSynchronousNotFullOrNormal_RejectedNamingTheKey(string value)
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC", DatabaseSynchronous = value };

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains($"Roaming:DatabaseSynchronous must be Full (the default: acknowledged writes survive a power loss) or Normal (was '{value}').", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 2L)]
    [InlineData("full", 2L)]
    [InlineData("Normal", 1L)]
    public async Task Start_DatabaseSynchronous_WriterCommitsWithThatLevel(string? setting, long expected)
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync(extra: setting is null ? null : new Dictionary<string, string?> { ["Roaming:DatabaseSynchronous"] = setting });

        // PRAGMA synchronous on the single writer's connection, the one every acknowledged write commits on.
        var level = await endpoints.Csp.Services.GetRequiredService<IDatabase>()
            .WriteAsync(write => write.Connection.ExecuteScalar<long>("PRAGMA synchronous", transaction: write.Transaction), CancellationToken.None)
            .WaitAsync(Deadline);

        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData("*:7445")]
    [InlineData("0.0.0.0:7445")]
    [InlineData("10.1.2.3:7445")]
    public void From_HealthListenNotLoopback_Rejected(string health)
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };
        options.Health.Listen = health;

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains("Roaming:Health:Listen must be a loopback address", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:7443", "Roaming:Listen")]
    [InlineData("127.0.0.1:9464", "Roaming:Metrics:Listen")]
    public void From_HealthListenOnThePortOfAnotherListener_Rejected(string health, string other)
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC", Listen = "127.0.0.1:7443" };
        options.Metrics.Listen = "127.0.0.1:9464";
        options.Health.Listen = health;

        var error = Assert.Throws<InvalidOperationException>(() => EndpointSettings.From(options));

        Assert.Contains($"Roaming:Health:Listen must not use the port of {other}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_HealthListen_OffByDefaultLoopbackAccepted()
    {
        var options = new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC" };
        Assert.Null(EndpointSettings.From(options).HealthListen);

        foreach (var (health, expected) in new[] { ("127.0.0.1:7445", "127.0.0.1:7445"), ("localhost:0", "127.0.0.1:0"), ("[::1]:7445", "[::1]:7445") })
        {
            options.Health.Listen = health;

            Assert.Equal(IPEndPoint.Parse(expected), EndpointSettings.From(options).HealthListen);
        }
    }

    [Fact]
    public async Task Build_JsonConfigFileAndEnvironment_BindSettingsWithFlagsWinning()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var config = Path.Combine(endpoints.Root, "roaming.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "Roaming": {
                "Role": "cso",
                "PartyId": "DE*ABC",
                "DisplayName": "From JSON",
                "Listen": "127.0.0.1:0",
                "CertificateDirectory": "{{endpoints.CsoCertificates}}",
                "Database": "{{Path.Combine(endpoints.Root, "json.db")}}",
                "Partners": [ { "Role": "csp", "PartyId": "DE-8EO" } ],
                "Limits": { "MaxStreamsPerConnection": 77 },
                "Health": { "Listen": "127.0.0.1:0" }
              }
            }
            """);
        const string variable = "Roaming__Limits__KeepAlivePingDelay";
        Environment.SetEnvironmentVariable(variable, "00:00:42");
        try
        {
            await using var app = RoamingEndpointHost.Build(config, new Dictionary<string, string?> { ["Roaming:DisplayName"] = "From flags" });
            var settings = app.Services.GetRequiredService<EndpointSettings>();
            var limits = app.Services.GetRequiredService<IOptions<LimitsOptions>>().Value;

            Assert.Equal("From flags", settings.DisplayName);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), settings.HealthListen);
            Assert.Equal(77, limits.MaxStreamsPerConnection);
            Assert.Equal(TimeSpan.FromSeconds(42), limits.KeepAlivePingDelay);
            Assert.Equal([PartyIdentity.Create(PartyRole.Csp, "DE-8EO")], app.Services.GetRequiredService<EndpointSettings>().Partners.Select(partner => partner.Identity));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task Start_BadSectionValues_StopsBeforeServingWithOneLinePerProblemNamingTheKey()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await using var app = RoamingEndpointHost.Build(
            null,
            EndpointOverrides.For(TwoEndpoints.CsoIdentity, "127.0.0.1:0", endpoints.CsoCertificates, Path.Combine(endpoints.Root, "bad.db"), "Bad", [])
                .Concat(new Dictionary<string, string?> { ["Roaming:Charging:CommandTimeout"] = "00:00:00", ["Roaming:Streams:DefaultWindow"] = "0" })
                .ToDictionary());

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Equal(
            ["Roaming:Charging:CommandTimeout must be positive (was 00:00:00).", "Roaming:Streams:DefaultWindow must be 1 to MaxWindow (10000) (was 0)."],
            SettingsSections.ProblemsOf(error)?.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(Path.Combine(endpoints.Root, "bad.db")), "nothing ran: the database was not even created");
    }

    [Fact]
    public async Task Call_MessageAboveConfiguredLimit_ResourceExhaustedAndNothingWritten()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        await endpoints.StartCsoAsync(endpoints.Csp.Url, new Dictionary<string, string?> { ["Roaming:Limits:MaxReceiveMessageSize"] = "4096" });
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        var request = HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "oversize");
        request.Caller.DisplayName = new string('x', 10_000);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(request, deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.DoesNotContain("oversize", DatabaseSnapshot.Requests(endpoints.Cso.Database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthCheck_PartnerCertificate_Serving()
    {
        await using var endpoints = await TwoEndpoints.StartAsync(output);
        var health = new Health.HealthClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));

        var response = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HealthCheck_PartnerNeverHandshaked_EndpointServingPartnersServiceNotServing()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        // The CSO knows its CSP partner at a URL where nothing listens: it cannot complete a handshake.
        await endpoints.StartCsoAsync(new Uri($"https://127.0.0.1:{TwoEndpoints.FreePort()}"));
        var backoffice = endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC");
        var health = new Health.HealthClient(endpoints.Channel(backoffice, PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"), endpoints.Cso));

        var endpoint = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Deadline));
        var partners = await health.CheckAsync(new HealthCheckRequest { Service = PartnerHealthCheck.ServiceName }, deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, endpoint.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, partners.Status);
    }

    [Fact]
    public async Task HealthCheck_PartnersRegistered_PartnersServiceServing()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var health = new Health.HealthClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));

        var partners = await health.CheckAsync(new HealthCheckRequest { Service = PartnerHealthCheck.ServiceName }, deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, partners.Status);
    }

    [Fact]
    public async Task ServerCertificate_FilesReplacedWhileRunning_NewConnectionsGetNewCertificate()
    {
        await using var endpoints = await TwoEndpoints.StartAsync(output);
        var firstSerial = await ServerSerialAsync(endpoints);

        endpoints.Pki.Issue("cso", PartyRole.Cso, "DE*ABC");
        var rotatedSerial = await ServerSerialAsync(endpoints);

        Assert.Equal(TestPki.SerialOf(endpoints.CsoCertificates), rotatedSerial);
        Assert.NotEqual(firstSerial, rotatedSerial);
    }

    private static async Task<string> ServerSerialAsync(TwoEndpoints endpoints)
    {
        string? serial = null;
        using var clientCertificate = X509Certificate2.CreateFromPemFile(
            Path.Combine(endpoints.CspCertificates, "cert.pem"), Path.Combine(endpoints.CspCertificates, "key.pem"));
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [clientCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(endpoints.Pki.Ca.Certificate);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    var leaf = (X509Certificate2)certificate!;
                    serial = leaf.SerialNumber;
                    return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && chain.Build(leaf);
                },
            },
        };
        using var channel = GrpcChannel.ForAddress(endpoints.Cso.Url, new GrpcChannelOptions { HttpHandler = handler });
        await new PlatformService.PlatformServiceClient(channel).GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline));
        return serial!;
    }
}
