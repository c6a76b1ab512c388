using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Limits;
using RoamingGrpc.Endpoint.Observability;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>Refusals are counted one by one but logged once per source, then summarized per interval.</summary>
public sealed class RefusalLogTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TlsHandshake_RefusedTenTimesFromOneSource_LoggedOnceAndEachCounted()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        using var foreignCa = CertificateAuthority.Create("Foreign CA", TimeSpan.FromDays(30));
        var foreign = endpoints.Pki.IssueWith(foreignCa, "foreign-cso", PartyRole.Cso, "DE*ABC");
        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(foreign, "cert.pem"), Path.Combine(foreign, "key.pem"));
        using var refusals = new RefusalCounter(endpoints.Csp.Services.GetRequiredService<EndpointSettings>().MeterName);
        using var timeout = new CancellationTokenSource(Deadline);

        for (var i = 0; i < 10; i++)
        {
            await HandshakeAsync(endpoints, certificate, timeout.Token);
        }

        await TwoEndpoints.WaitUntilAsync(() => refusals.Of("certificate_refused") == 10, Deadline, "the server counted the ten refusals");
        Assert.Single(endpoints.Csp.Log.Lines, line => line.Contains("TLS handshake refused", StringComparison.Ordinal));
        Assert.Contains(endpoints.Csp.Log.Lines, line => line.Contains("UntrustedChain", StringComparison.Ordinal) && line.Contains("from 127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public void Record_ManyFromOneSource_FirstInFullThenOneSummaryPerIntervalThenForgotten()
    {
        var clock = new FakeTimeProvider();
        var log = new TestLog(output, "refusals");
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(log));
        using var meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var metrics = new RoamingMetrics(
            meters.GetRequiredService<IMeterFactory>(),
            new EndpointSettings(TwoEndpoints.CsoIdentity, new IPEndPoint(IPAddress.Loopback, 0), null, []) { MeterName = $"refusal-log-test.{Guid.NewGuid():N}" });
        using var refusals = new RefusalLog(metrics, Options.Create(new LimitsOptions { RefusalLogInterval = TimeSpan.FromMinutes(1) }), clock, factory.CreateLogger<RefusalLog>());

        var first = refusals.Record("192.0.2.1", RefusalReason.CertificateRefused);
        var more = Enumerable.Range(0, 5).Select(_ => refusals.Record("192.0.2.1", RefusalReason.CertificateRefused))
            .Append(refusals.Record("192.0.2.1", RefusalReason.TooManyFromAddress)).ToList();
        var otherSource = refusals.Record("192.0.2.2", RefusalReason.HandshakeTimedOut);
        clock.Advance(TimeSpan.FromMinutes(1)); // summary of the first interval
        var quietInterval = log.Lines.Count;
        clock.Advance(TimeSpan.FromMinutes(1)); // nothing refused: both sources forgotten
        var afterQuiet = refusals.Record("192.0.2.1", RefusalReason.CertificateRefused);

        Assert.True(first);
        Assert.All(more, Assert.False);
        Assert.True(otherSource);
        var summary = Assert.Single(log.Lines);
        Assert.Contains("6 more refusals from 192.0.2.1", summary, StringComparison.Ordinal);
        Assert.Contains("certificate_refused 5, address_cap 1", summary, StringComparison.Ordinal);
        Assert.Equal(1, quietInterval);
        Assert.True(afterQuiet, "a source quiet for a whole interval is logged in full again");
    }

    private static async Task HandshakeAsync(TwoEndpoints endpoints, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, endpoints.Csp.Url.Port, cancellationToken);
        await using var tls = new SslStream(tcp.GetStream());
        var ca = endpoints.Pki.Ca.Certificate;
        try
        {
            await tls.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    ClientCertificates = [certificate],
                    ApplicationProtocols = [SslApplicationProtocol.Http2],
                    RemoteCertificateValidationCallback = (_, server, _, errors) =>
                    {
                        using var chain = new X509Chain();
                        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                        chain.ChainPolicy.CustomTrustStore.Add(ca);
                        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                        return server is X509Certificate2 leaf && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && chain.Build(leaf);
                    },
                },
                cancellationToken);
            // TLS 1.3: the client is done before the server has seen its certificate; the refusal comes with the next read.
            _ = await tls.ReadAsync(new byte[1], cancellationToken);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // refused, as expected
        }
    }

    // Reads roaming.refusals of one endpoint's meter, by reason.
    private sealed class RefusalCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _byReason = new(StringComparer.Ordinal);

        public RefusalCounter(string meterName)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == meterName && instrument.Name == "roaming.refusals")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "reason")
                    {
                        _byReason.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
                    }
                }
            });
            _listener.Start();
        }

        public long Of(string reason) => _byReason.GetValueOrDefault(reason);

        public void Dispose() => _listener.Dispose();
    }
}
