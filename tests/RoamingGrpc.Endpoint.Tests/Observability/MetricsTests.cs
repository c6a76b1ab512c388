using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Observability;

/// <summary>The Prometheus endpoint on the separate plain-HTTP metrics listener, after real partner traffic.</summary>
public sealed class MetricsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_AfterTraffic_CallsStreamsAuthorizationAndOutboxExposed()
    {
        await using var network = await ChargingNetwork.StartAsync(output, new Dictionary<string, string?> { ["Roaming:Metrics:Listen"] = "127.0.0.1:0" });
        await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "m", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "u1", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());
        var refused = await network.Station.PresentTokenAsync(
            new PresentTokenRequest { RequestId = "p", EvseId = ChargingNetwork.SecondEvseId, IdentificationMethod = IdentificationMethod.Rfid, Token = new TokenRef { Uid = "0A0B0C0D", Type = TokenType.Rfid } },
            deadline: ChargingNetwork.Soon());
        var metricsUrl = network.Endpoints.Cso.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single(address => address.StartsWith("http://", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri(metricsUrl), Timeout = ChargingNetwork.Deadline };

        string text = string.Empty;
        await TwoEndpoints.WaitUntilAsync(
            () =>
            {
                // A scrape that overlaps a collection may be answered with an error by the exporter: scrape again.
                using var scrape = http.GetAsync(new Uri("/metrics", UriKind.Relative)).GetAwaiter().GetResult();
                if (!scrape.IsSuccessStatusCode)
                {
                    output.WriteLine($"scrape answered {(int)scrape.StatusCode}; again");
                    return false;
                }

                text = scrape.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                // Both CSPs' status subscriptions are open (they connect on their own schedule) and the sample was taken.
                return text.Contains("StartSession", StringComparison.Ordinal) && text.Contains("roaming_outbox_depth", StringComparison.Ordinal)
                    && System.Text.RegularExpressions.Regex.IsMatch(text, "roaming_streams_open\\{[^}]*rpc=\"WatchEvseStatus\"[^}]*\\} 2");
            },
            ChargingNetwork.Deadline,
            "the metrics show the traffic");
        output.WriteLine(text);
        var other = await http.GetAsync(new Uri("/roaminggrpc.roaming.v1.PlatformService/GetPlatformInfo", UriKind.Relative));

        Assert.Equal(AuthorizationStatus.NotAllowed, refused.Status);
        Assert.Matches("roaming_rpc_calls_total\\{[^}]*method=\"/roaminggrpc.roaming.v1.ChargingService/StartSession\"[^}]*status=\"OK\"[^}]*\\} 1", text);
        Assert.Contains("roaming_rpc_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Matches("roaming_authorization_duration_seconds_count\\{[^}]*decision=\"AUTHORIZATION_STATUS_NOT_ALLOWED\"[^}]*\\} 1", text);
        Assert.Matches("roaming_streams_open\\{[^}]*rpc=\"WatchEvseStatus\"[^}]*\\} 2", text);
        Assert.Contains("roaming_stream_events_behind", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Metrics_GetOverHttp11_AnsweredAndNoHttp2WarningAtStart()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var csp = await endpoints.StartCspAsync(extra: new Dictionary<string, string?> { ["Roaming:Metrics:Listen"] = "127.0.0.1:0" });
        var metricsUrl = csp.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Single(address => address.StartsWith("http://", StringComparison.Ordinal));
        using var http = new HttpClient
        {
            BaseAddress = new Uri(metricsUrl),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = ChargingNetwork.Deadline,
        };

        using var scrape = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal(HttpVersion.Version11, scrape.Version);
        Assert.Contains("# TYPE ", text, StringComparison.Ordinal);
        // Kestrel logs it while binding, so the start log is complete once StartAsync returned; it covers both listeners.
        Assert.DoesNotContain(csp.Log.Lines, line => line.Contains("HTTP/2 is not enabled", StringComparison.Ordinal));
        Assert.Contains(csp.Log.Lines, line => line.Contains($"Now listening on: {metricsUrl}", StringComparison.Ordinal));
    }
}
