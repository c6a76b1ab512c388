using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Security;

/// <summary>
/// Streams outlive the checks made when they start: an open stream of a certificate that is revoked, or that expires,
/// ends with UNAUTHENTICATED and the reason, without waiting for the next call on the connection. Each test opens its
/// stream with a certificate of its own (the CSP endpoint's own subscriber keeps its certificate), sets the heartbeat
/// interval (the latest re-check) far beyond the test's deadline, so that only the signal under test can end the stream,
/// and waits for the stream's end under that deadline.
/// </summary>
public sealed class OpenStreamIdentityTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // Heartbeats (and the re-check on the heartbeat tick) never come within a test.
    private static readonly Dictionary<string, string?> NoHeartbeat = new() { ["Roaming:Streams:HeartbeatInterval"] = "1.00:00:00" };

    [Fact]
    public async Task WatchEvseStatus_CertificateRevokedWhileOpen_EndsUnauthenticatedCertificateRevoked()
    {
        await using var endpoints = await StartRegisteredAsync(NoHeartbeat);
        var certificates = endpoints.Pki.Issue("csp-watcher", PartyRole.Csp, TwoEndpoints.CspIdentity.PartyId);
        using var call = await OpenWatchAsync(endpoints, certificates);

        var revoked = Stopwatch.StartNew();
        await RevokeAsync(endpoints, certificates);
        var error = await EndOfStreamAsync(call.ResponseStream);

        output.WriteLine($"stream ended {revoked.ElapsedMilliseconds} ms after the revocation file was written");
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("CERTIFICATE_REVOKED", ChargingNetwork.ReasonOf(error));
        Assert.Contains(TestPki.SerialOf(certificates), error.Status.Detail, StringComparison.Ordinal);
        // The refusal is the certificate's, not the party's: the CSP endpoint's own subscriber (its own certificate)
        // stays subscribed.
        Assert.True(endpoints.Cso.Services.GetRequiredService<PartnerDirectory>().IsRegistered(TwoEndpoints.CspIdentity));
    }

    [Fact]
    public async Task WatchChargingInfo_CertificateRevokedWhileOpen_EndsUnauthenticatedCertificateRevoked()
    {
        await using var endpoints = await StartRegisteredAsync(NoHeartbeat);
        var certificates = endpoints.Pki.Issue("csp-watcher", PartyRole.Csp, TwoEndpoints.CspIdentity.PartyId);
        var client = new ChargingService.ChargingServiceClient(endpoints.Channel(certificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var call = client.WatchChargingInfo(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = new WatchChargingInfoStart() });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(WatchChargingInfoResponse.KindOneofCase.Opened, call.ResponseStream.Current.KindCase);

        await RevokeAsync(endpoints, certificates);
        var error = await EndOfStreamAsync(call.ResponseStream);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("CERTIFICATE_REVOKED", ChargingNetwork.ReasonOf(error));
    }

    [Fact]
    public async Task WatchEvseStatus_CertificateExpiresWhileOpen_EndsUnauthenticatedCertificateInvalidExpired()
    {
        // The CSO's clock decides validity; the certificate is valid for an hour more, the clock moves on two hours.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var endpoints = await StartRegisteredAsync(NoHeartbeat, services => services.AddSingleton<TimeProvider>(clock));
        var certificates = endpoints.Pki.Issue(
            "csp-short", PartyRole.Csp, TwoEndpoints.CspIdentity.PartyId, validity: TimeSpan.FromHours(2), notBefore: clock.GetUtcNow().AddHours(-1));
        using var call = await OpenWatchAsync(endpoints, certificates);

        clock.Advance(TimeSpan.FromHours(2));
        var error = await EndOfStreamAsync(call.ResponseStream);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("CERTIFICATE_INVALID", ChargingNetwork.ReasonOf(error));
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchEvseStatus_CertificateValidForAYearAndMore_OpensAndReceivesEvents()
    {
        // Certificates as `roaming cert issue` makes them last 13 months; the expiry timer of a stream must take that
        // (a timer's due time is at most about 49.7 days).
        await using var endpoints = await StartRegisteredAsync(NoHeartbeat);
        var certificates = endpoints.Pki.Issue("csp-long", PartyRole.Csp, TwoEndpoints.CspIdentity.PartyId, validity: TimeSpan.FromDays(400));
        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(certificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        using var call = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));

        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart() });

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(WatchEvseStatusResponse.KindOneofCase.Opened, call.ResponseStream.Current.KindCase);
    }

    [Fact]
    public async Task WatchEvseStatus_CertificateExpiresMonthsAfterTheStreamOpened_EndsUnauthenticatedCertificateInvalidExpired()
    {
        // An expiry beyond the longest timer is reached in steps: the stream still ends when the certificate expires.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var endpoints = await StartRegisteredAsync(NoHeartbeat, services => services.AddSingleton<TimeProvider>(clock));
        var certificates = endpoints.Pki.Issue(
            "csp-months", PartyRole.Csp, TwoEndpoints.CspIdentity.PartyId, validity: TimeSpan.FromDays(121), notBefore: clock.GetUtcNow().AddDays(-1));
        using var call = await OpenWatchAsync(endpoints, certificates);

        clock.Advance(TimeSpan.FromDays(121));
        var error = await EndOfStreamAsync(call.ResponseStream);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("CERTIFICATE_INVALID", ChargingNetwork.ReasonOf(error));
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchStationCommands_BackofficeCertificateRevokedWhileOpen_EndsUnauthenticatedCertificateRevoked()
    {
        await using var network = await ChargingNetwork.StartAsync(output, NoHeartbeat);
        var station = network.Endpoints.Pki.Issue("station-2", PartyRole.Backoffice, TwoEndpoints.CsoIdentity.PartyId);
        var backoffice = new CsoBackofficeService.CsoBackofficeServiceClient(
            network.Endpoints.Channel(station, PartyIdentity.Create(PartyRole.Backoffice, TwoEndpoints.CsoIdentity.PartyId), network.Endpoints.Cso));
        using var call = backoffice.WatchStationCommands(new WatchStationCommandsRequest(), deadline: DateTime.UtcNow.Add(Deadline));
        await network.Charging.StartSessionAsync(
            new StartSessionRequest { RequestId = "s", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "u1", Type = TokenType.AppUser } },
            deadline: ChargingNetwork.Soon());
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None), "the start command reaches the station");
        Assert.Equal(CommandType.StartSession, call.ResponseStream.Current.Command.CommandType);

        await RevokeAsync(network.Endpoints, station);
        var error = await EndOfStreamAsync(call.ResponseStream);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("CERTIFICATE_REVOKED", ChargingNetwork.ReasonOf(error));
    }

    private async Task<TwoEndpoints> StartRegisteredAsync(IReadOnlyDictionary<string, string?> csoSettings, Action<IServiceCollection>? csoServices = null)
    {
        var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        await endpoints.StartCsoAsync(endpoints.Csp.Url, csoSettings, services: csoServices);
        var directory = endpoints.Cso.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => directory.IsRegistered(TwoEndpoints.CspIdentity), Deadline, "the CSP registered with the CSO");
        return endpoints;
    }

    private static Task RevokeAsync(TwoEndpoints endpoints, string certificates) =>
        File.AppendAllTextAsync(endpoints.RevocationFile, TestPki.SerialOf(certificates) + "\n");

    // Reads (and drops) whatever the stream still sends until it ends; the call's deadline bounds the wait.
    /// <summary>Opens WatchEvseStatus at the CSO with the CSP certificate in <paramref name="certificates"/>, and reads its opened message.</summary>
    private static async Task<AsyncDuplexStreamingCall<WatchEvseStatusRequest, WatchEvseStatusResponse>> OpenWatchAsync(TwoEndpoints endpoints, string certificates)
    {
        var client = new EvseStatusService.EvseStatusServiceClient(endpoints.Channel(certificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        var call = client.WatchEvseStatus(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart() });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(WatchEvseStatusResponse.KindOneofCase.Opened, call.ResponseStream.Current.KindCase);
        return call;
    }

    private static async Task<RpcException> EndOfStreamAsync<T>(IAsyncStreamReader<T> responses)
    {
        try
        {
            while (await responses.MoveNext(CancellationToken.None))
            {
            }
        }
        catch (RpcException ended)
        {
            return ended;
        }

        throw new Xunit.Sdk.XunitException("The stream ended with OK; the revoked or expired caller should have been refused.");
    }
}
