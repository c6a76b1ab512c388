using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Platform;

namespace RoamingGrpc.Endpoint.Tests.Security;

/// <summary>
/// The negative matrix of role identification: each case asserts the exact outcome and that the CSO's
/// database (partner registry and request log) is unchanged.
/// </summary>
public sealed class CallerIdentificationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    [Fact]
    public async Task Handshake_NoClientCertificate_RefusedAtTlsAndNothingWritten()
    {
        await using var endpoints = await StartSettledAsync();
        var before = Snapshot(endpoints);
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // Trusts the roaming CA only, as a real partner would; presents no certificate.
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustsTestCa(endpoints, certificate, errors),
            },
        };
        using var channel = GrpcChannel.ForAddress(endpoints.Cso.Url, new GrpcChannelOptions { HttpHandler = handler });
        var client = new PlatformService.PlatformServiceClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "no-cert"), deadline: DateTime.UtcNow.Add(Deadline)));

        AssertRefusedAtTls(error);
        Assert.Equal(before, Snapshot(endpoints));

        // Positive control: the same client set-up with the CSP's certificate gets through.
        using var withCertificate = X509Certificate2.CreateFromPemFile(
            Path.Combine(endpoints.CspCertificates, "cert.pem"), Path.Combine(endpoints.CspCertificates, "key.pem"));
        using var controlHandler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [withCertificate],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustsTestCa(endpoints, certificate, errors),
            },
        };
        using var controlChannel = GrpcChannel.ForAddress(endpoints.Cso.Url, new GrpcChannelOptions { HttpHandler = controlHandler });
        var info = await new PlatformService.PlatformServiceClient(controlChannel).GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline));
        Assert.Equal("DE*ABC", info.Platform.PartyId);
    }

    [Fact]
    public async Task Handshake_CertificateFromAnotherCa_RefusedAtTlsAndNothingWritten()
    {
        await using var endpoints = await StartSettledAsync();
        using var foreignCa = CertificateAuthority.Create("Foreign CA", TimeSpan.FromDays(30));
        var foreign = endpoints.Pki.IssueWith(foreignCa, "foreign-csp", PartyRole.Csp, "DE-8EO");
        var before = Snapshot(endpoints);

        var error = await HandshakeAsync(endpoints, foreign, TwoEndpoints.CspIdentity, "foreign");

        AssertRefusedAtTls(error);
        Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains("UntrustedChain", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Handshake_ExpiredCertificate_RefusedAtTlsAndNothingWritten()
    {
        await using var endpoints = await StartSettledAsync();
        var expired = endpoints.Pki.Issue("expired-csp", PartyRole.Csp, "DE-8EO", TimeSpan.FromDays(1), DateTimeOffset.UtcNow.AddDays(-3));
        var before = Snapshot(endpoints);

        var error = await HandshakeAsync(endpoints, expired, TwoEndpoints.CspIdentity, "expired");

        AssertRefusedAtTls(error);
        Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains("Expired", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Handshake_ClientCertificateWithoutExtendedKeyUsage_RefusedAtTlsAndNothingWritten()
    {
        // .NET's chain policy takes a certificate without the extension for "any purpose"; the network requires it.
        await using var endpoints = await StartSettledAsync();
        var noUsage = endpoints.Pki.IssueWithUsages("csp-no-eku", PartyRole.Csp, "DE-8EO", usages: null);
        var before = Snapshot(endpoints);

        var error = await HandshakeAsync(endpoints, noUsage, TwoEndpoints.CspIdentity, "no-eku");

        AssertRefusedAtTls(error);
        Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains("WrongKeyUsage", StringComparison.Ordinal) && line.Contains("no extended key usage", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Handshake_ClientCertificateForServerAuthenticationOnly_RefusedAtTlsAndNothingWritten()
    {
        await using var endpoints = await StartSettledAsync();
        var serverOnly = endpoints.Pki.IssueWithUsages("csp-server-only", PartyRole.Csp, "DE-8EO", [ServerAuthentication]);
        var before = Snapshot(endpoints);

        var error = await HandshakeAsync(endpoints, serverOnly, TwoEndpoints.CspIdentity, "server-only");

        AssertRefusedAtTls(error);
        Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains("WrongKeyUsage", StringComparison.Ordinal) && line.Contains("Client Authentication", StringComparison.Ordinal));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Call_PartnerServerCertificateWithoutExtendedKeyUsage_ClientRefusesTheServer()
    {
        // The CSO serves with a certificate of the right CA, role and party, but without the extension.
        await using var endpoints = TwoEndpoints.Prepare(output);
        endpoints.Pki.IssueWithUsages("cso", PartyRole.Cso, "DE*ABC", usages: null);
        await endpoints.StartCsoAsync(new Uri($"https://127.0.0.1:{TwoEndpoints.FreePort()}"));
        var log = new TestLog(output, "DE-8EO client");
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(log));
        using var factory = PartnerChannelFactory.ForClient(endpoints.CspCertificates, TwoEndpoints.CspIdentity, loggers);
        var client = new PlatformService.PlatformServiceClient(factory.Get(endpoints.Cso.Url, TwoEndpoints.CsoIdentity));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains("RemoteCertificateValidationCallback", FindInner<AuthenticationException>(error)!.Message, StringComparison.Ordinal);
        Assert.Contains(log.Lines, line => line.Contains("Refused partner server", StringComparison.Ordinal) && line.Contains("no extended key usage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handshake_CertificateRevokedWhileServerRuns_UnauthenticatedOnNextCallAndNothingWritten()
    {
        await using var endpoints = await StartSettledAsync();
        var client = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        await client.GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline));
        var before = Snapshot(endpoints);

        await File.WriteAllTextAsync(endpoints.RevocationFile, $"# revoked by the operator\n{TestPki.SerialOf(endpoints.CspCertificates)}\n");
        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "after-revocation"), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("CERTIFICATE_REVOKED", HandshakeTests.ReasonOf(error));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Call_CsoCertificateOnCsoHostedServices_PermissionDeniedRoleNotAllowed()
    {
        await using var endpoints = await StartSettledAsync();
        var otherCso = endpoints.Pki.Issue("other-cso", PartyRole.Cso, "DE*XYZ");
        var self = PartyIdentity.Create(PartyRole.Cso, "DE*XYZ");
        var channel = endpoints.Channel(otherCso, self, endpoints.Cso);
        var before = Snapshot(endpoints);

        var sites = await Assert.ThrowsAsync<RpcException>(async () =>
            await new SiteService.SiteServiceClient(channel).ListSitesAsync(new ListSitesRequest(), deadline: DateTime.UtcNow.Add(Deadline)));
        var handshake = await Assert.ThrowsAsync<RpcException>(async () =>
            await new PlatformService.PlatformServiceClient(channel).HandshakeAsync(
                HandshakeTests.HandshakeFrom(self, new Uri("https://localhost:9"), "cso-to-cso"), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, sites.StatusCode);
        Assert.Equal("ROLE_NOT_ALLOWED", HandshakeTests.ReasonOf(sites));
        Assert.Equal(StatusCode.PermissionDenied, handshake.StatusCode);
        Assert.Equal("ROLE_NOT_ALLOWED", HandshakeTests.ReasonOf(handshake));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Handshake_StatingAnotherParty_PermissionDeniedPartyMismatch()
    {
        await using var endpoints = await StartSettledAsync();
        var client = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        var before = Snapshot(endpoints);
        var impostor = PartyIdentity.Create(PartyRole.Csp, "NL-TNM");

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(impostor, endpoints.Csp.Url, "impostor"), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("PARTY_MISMATCH", HandshakeTests.ReasonOf(error));
        Assert.Contains("NL-TNM", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Handshake_PartyWithoutAgreement_PermissionDeniedUnknownParty()
    {
        await using var endpoints = await StartSettledAsync();
        var stranger = endpoints.Pki.Issue("stranger-csp", PartyRole.Csp, "FR-ZZZ");
        var identity = PartyIdentity.Create(PartyRole.Csp, "FR-ZZZ");
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(stranger, identity, endpoints.Cso));
        var before = Snapshot(endpoints);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(identity, new Uri("https://localhost:9"), "stranger"), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal("UNKNOWN_PARTY", HandshakeTests.ReasonOf(error));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Handshake_MalformedPartyIdAndMissingFields_InvalidArgumentNamingTheField()
    {
        await using var endpoints = await StartSettledAsync();
        var client = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        var before = Snapshot(endpoints);
        var malformed = HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "malformed");
        malformed.Caller.PartyId = "DE*8EO";
        var noRequestId = HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, string.Empty);
        var httpUrl = HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "http-url");
        httpUrl.Caller.EndpointUrl = "http://localhost:80";

        var errors = new List<RpcException>();
        foreach (var request in new[] { malformed, noRequestId, httpUrl })
        {
            errors.Add(await Assert.ThrowsAsync<RpcException>(async () =>
                await client.HandshakeAsync(request, deadline: DateTime.UtcNow.Add(Deadline))));
        }

        Assert.All(errors, error => Assert.Equal(StatusCode.InvalidArgument, error.StatusCode));
        Assert.Equal(["INVALID_IDENTIFIER", "MISSING_FIELD", "INVALID_FIELD"], errors.Select(HandshakeTests.ReasonOf));
        Assert.Equal(
            ["caller.party_id", "request_id", "caller.endpoint_url"],
            errors.Select(error => error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Single().Field));
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Call_ServerCertificateWithUnexpectedParty_ClientRefusesTheServer()
    {
        await using var endpoints = await StartSettledAsync();
        var expectedButWrong = PartyIdentity.Create(PartyRole.Cso, "DE*XYZ");
        var client = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso, expectedButWrong));
        var wrongRole = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso, PartyIdentity.Create(PartyRole.Csp, "DE-ABC")));
        var before = Snapshot(endpoints);

        var partyError = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "wrong-server"), deadline: DateTime.UtcNow.Add(Deadline)));
        var roleError = await Assert.ThrowsAsync<RpcException>(async () => await wrongRole.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "wrong-role"), deadline: DateTime.UtcNow.Add(Deadline)));

        // Grpc.Net.Client reports a TLS failure of its own making (our validation callback said no) as INTERNAL.
        Assert.Equal(StatusCode.Internal, partyError.StatusCode);
        Assert.Contains("RemoteCertificateValidationCallback", FindInner<AuthenticationException>(partyError)!.Message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Internal, roleError.StatusCode);
        Assert.Contains("RemoteCertificateValidationCallback", FindInner<AuthenticationException>(roleError)!.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(endpoints));
    }

    [Fact]
    public async Task Call_ConfiguredPartnerBeforeHandshake_PermissionDeniedPartnerNotRegistered()
    {
        // Only the CSP runs; it knows the CSO as a partner but no handshake has happened.
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        var client = new PartnerBackofficeService.PartnerBackofficeServiceClient(
            endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));
        var authorization = new AuthorizationService.AuthorizationServiceClient(
            endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));

        var backoffice = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ListPartnersAsync(new ListPartnersRequest(), deadline: DateTime.UtcNow.Add(Deadline)));
        var notRegistered = await Assert.ThrowsAsync<RpcException>(async () =>
            await authorization.ListTokensAsync(new ListTokensRequest(), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, backoffice.StatusCode);
        Assert.Equal("ROLE_NOT_ALLOWED", HandshakeTests.ReasonOf(backoffice));
        Assert.Equal(StatusCode.FailedPrecondition, notRegistered.StatusCode);
        Assert.Equal("PARTNER_NOT_REGISTERED", HandshakeTests.ReasonOf(notRegistered));
    }

    [Fact]
    public async Task Call_PartnerRemovedFromConfiguration_LosesAccessAfterRestart()
    {
        await using var endpoints = await StartSettledAsync();
        await endpoints.Cso.DisposeAsync();

        // Same database (the CSP is still recorded as registered there), but the operator removed the agreement.
        await using var withoutPartner = await RunningEndpoint.StartAsync(
            output, TwoEndpoints.CsoIdentity, endpoints.CsoCertificates, endpoints.Cso.Database, []);
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, withoutPartner));

        var info = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline)));
        var handshake = await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "after-removal"), deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.PermissionDenied, info.StatusCode);
        Assert.Equal("UNKNOWN_PARTY", HandshakeTests.ReasonOf(info));
        Assert.Equal(StatusCode.PermissionDenied, handshake.StatusCode);
        Assert.Equal("UNKNOWN_PARTY", HandshakeTests.ReasonOf(handshake));
    }

    private Task<TwoEndpoints> StartSettledAsync() => TwoEndpoints.StartSettledAsync(output);

    private static async Task<RpcException> HandshakeAsync(TwoEndpoints endpoints, string certificates, PartyIdentity self, string requestId)
    {
        var client = new PlatformService.PlatformServiceClient(endpoints.Channel(certificates, self, endpoints.Cso));
        return await Assert.ThrowsAsync<RpcException>(async () => await client.HandshakeAsync(
            HandshakeTests.HandshakeFrom(self, endpoints.Csp.Url, requestId), deadline: DateTime.UtcNow.Add(Deadline)));
    }

    // A refusal during the TLS handshake never reaches gRPC: no status or details from the server. With TLS 1.3 the
    // client learns of a refused client certificate either while connecting (UNAVAILABLE) or once its request is
    // under way (INTERNAL), depending on timing; both are the same refusal.
    private static void AssertRefusedAtTls(RpcException error)
    {
        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.Null(error.GetRpcStatus());
        Assert.NotNull(FindInner<IOException>(error) ?? FindInner<AuthenticationException>(error) ?? FindInner<HttpRequestException>(error));
    }

    private static string Snapshot(TwoEndpoints endpoints) =>
        DatabaseSnapshot.Partners(endpoints.Cso.Database) + "\n--\n" + DatabaseSnapshot.Requests(endpoints.Cso.Database);

    private static bool TrustsTestCa(TwoEndpoints endpoints, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(endpoints.Pki.Ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static Exception? FindInner<T>(Exception error)
        where T : Exception
    {
        for (Exception? current = error; current is not null; current = current.InnerException)
        {
            if (current is T)
            {
                return current;
            }
        }

        return null;
    }
}
