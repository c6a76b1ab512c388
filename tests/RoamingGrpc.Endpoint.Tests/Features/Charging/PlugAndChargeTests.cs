using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Charging;

/// <summary>
/// UC3-3 Plug and Charge: the station presents the vehicle's contract certificate; the CSO reads the EMAID, finds the
/// home-CSP from it and authorizes online (UC4-1).
/// </summary>
public sealed class PlugAndChargeTests(ITestOutputHelper output)
{
    private const string Emaid = "DE-8EO-CPNC00001";
    private static readonly string Canonical = ContractId.Parse(Emaid).ToString();
    private static readonly Token Contract = new() { Uid = Emaid, Type = TokenType.Emaid, ContractId = Emaid, Valid = true, Whitelist = WhitelistType.Never };

    [Fact]
    public async Task PresentToken_ValidContractCertificate_AuthorizedOnlineAndSessionForTheEmaid()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(network, Contract);

        var presented = await PresentAsync(network, ContractChain(network, $"CN={Emaid.ToLowerInvariant().Replace("-", string.Empty, StringComparison.Ordinal)}"));

        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.Online), (presented.Status, presented.AuthorizationMethod));
        Assert.NotEmpty(presented.AuthorizationReference);
        Assert.Equal((TokenType.Emaid, Canonical, Canonical, "DE-8EO"), (presented.Session.Token.Type, presented.Session.Token.Uid, presented.Session.Token.ContractId, presented.Session.ProviderId));
        Assert.Equal(IdentificationMethod.PlugAndCharge, presented.Session.IdentificationMethod);
    }

    [Fact]
    public async Task PresentToken_MalformedEmaidInCertificate_InvalidArgumentAndNoSession()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(network, Contract);

        var error = await Assert.ThrowsAsync<RpcException>(() => PresentAsync(network, ContractChain(network, "CN=DE-8EO-XNOT-AN-EMAID")));
        var notPem = await Assert.ThrowsAsync<RpcException>(() => PresentAsync(network, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"));
        var sessions = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_IDENTIFIER"), (error.StatusCode, ChargingNetwork.ReasonOf(error)));
        Assert.Contains("contract_certificate_pem", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, notPem.StatusCode);
        Assert.Empty(sessions.Sessions);
    }

    [Fact]
    public async Task PresentToken_BlockedContract_BlockedAndNoSession()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        await AnnexAScenarioTests.IssueAsync(network, Contract);
        await network.CspBackoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "block", Uid = Emaid, Type = TokenType.Emaid, Reason = "contract terminated" }, deadline: ChargingNetwork.Soon());

        var presented = await PresentAsync(network, ContractChain(network, $"CN={Emaid}"));
        var sessions = await network.Charging.ListSessionsAsync(new ListSessionsRequest(), deadline: ChargingNetwork.Soon());

        Assert.Equal((AuthorizationStatus.Blocked, AuthorizationMethod.Online), (presented.Status, presented.AuthorizationMethod));
        Assert.Null(presented.Session);
        Assert.Empty(sessions.Sessions);
    }

    private static Task<PresentTokenResponse> PresentAsync(ChargingNetwork network, string pem) =>
        network.Station.PresentTokenAsync(
            new PresentTokenRequest { RequestId = Guid.NewGuid().ToString(), EvseId = ChargingNetwork.EvseId, IdentificationMethod = IdentificationMethod.PlugAndCharge, ContractCertificatePem = pem },
            deadline: ChargingNetwork.Soon()).ResponseAsync;

    // A contract certificate chain (leaf first) as a vehicle presents it. A well-formed EMAID goes through the CA code
    // the simulator uses; any other subject is built here, to be able to present a malformed one.
    private static string ContractChain(ChargingNetwork network, string subject)
    {
        var ca = network.Endpoints.Pki.Ca;
        X509Certificate2 leaf;
        if (ContractId.TryParse(subject[3..], out var emaid))
        {
            leaf = ca.IssueContract(emaid, TimeSpan.FromDays(30));
        }
        else
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            using var issued = request.Create(ca.Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(12));
            leaf = issued.CopyWithPrivateKey(key);
        }

        using (leaf)
        {
            return leaf.ExportCertificatePem() + "\n" + ca.Certificate.ExportCertificatePem();
        }
    }
}
