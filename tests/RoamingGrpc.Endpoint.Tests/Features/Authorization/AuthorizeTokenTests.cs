using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using static RoamingGrpc.Endpoint.Tests.Features.Tokens.TokenCalls;

namespace RoamingGrpc.Endpoint.Tests.Features.Authorization;

/// <summary>UC4-1 at the CSP: AuthorizationService.AuthorizeToken called by the registered CSO over mutual TLS.</summary>
public sealed class AuthorizeTokenTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AuthorizeToken_ValidToken_AllowedWithReferenceRecordAndExpiry_RetryGetsTheSameAnswer()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var issued = await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var client = AuthorizationClient(endpoints);
        var request = Request("a1", "04:a1:b2:c3");

        var before = DateTimeOffset.UtcNow;
        var first = await client.AuthorizeTokenAsync(request, deadline: Soon());
        var retried = await client.AuthorizeTokenAsync(request, deadline: Soon());
        var another = await client.AuthorizeTokenAsync(Request("a2", "04A1B2C3"), deadline: Soon());

        Assert.Equal(AuthorizationStatus.Allowed, first.Status);
        Assert.True(Guid.TryParse(first.AuthorizationReference, out _));
        Assert.Equal(issued, first.Token);
        Assert.InRange(first.ExpireTime.ToDateTimeOffset(), before.AddMinutes(15).AddSeconds(-1), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(1));
        Assert.Equal(first, retried);
        Assert.Equal(AuthorizationStatus.Allowed, another.Status);
        Assert.NotEqual(first.AuthorizationReference, another.AuthorizationReference);
    }

    [Fact]
    public async Task AuthorizeToken_DuplicatesInFlightAndAfterRestart_OneDecisionPerRequestId_ReusedIdRefused()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("04A1B2C3"));
        await IssueAsync(endpoints, Rfid("05A1B2C3"));
        var client = AuthorizationClient(endpoints);
        var request = Request("dup-1", "04A1B2C3");

        // Eight copies at once: the decision is made once and every copy gets it, whether its record is still
        // written behind or committed.
        var copies = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => await client.AuthorizeTokenAsync(request, deadline: Soon())));
        var reused = await Assert.ThrowsAsync<RpcException>(async () => await client.AuthorizeTokenAsync(Request("dup-1", "05A1B2C3"), deadline: Soon()));

        // A graceful stop commits the records still queued; the restarted CSP answers the retry from its database.
        var port = endpoints.Csp.Url.Port;
        await endpoints.Csp.DisposeAsync();
        await endpoints.StartCspAsync($"127.0.0.1:{port}");
        var afterRestart = await AuthorizationClient(endpoints).AuthorizeTokenAsync(request, deadline: Soon());

        Assert.Equal(AuthorizationStatus.Allowed, copies[0].Status);
        Assert.All(copies, copy => Assert.Equal(copies[0], copy));
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), (reused.StatusCode, ReasonOf(reused)));
        Assert.Equal(copies[0], afterRestart);
    }

    [Fact]
    public async Task AuthorizeToken_BlockedExpiredAndContractMismatch_RefusedWithoutReference()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("0A0A0A0A", valid: false));
        var expiring = Rfid("0B0B0B0B");
        expiring.ExpireTime = Ago(TimeSpan.FromMinutes(1));
        await IssueAsync(endpoints, expiring);
        var emaid = await IssueAsync(endpoints, Emaid("EM000001"));
        var client = AuthorizationClient(endpoints);
        var mismatch = Request("c", emaid.Uid, TokenType.Emaid);
        mismatch.Token.ContractId = Contract("EM000002");
        var matching = Request("d", emaid.Uid, TokenType.Emaid);
        matching.Token.ContractId = "de8eocem000001";

        var blocked = await client.AuthorizeTokenAsync(Request("a", "0A0A0A0A"), deadline: Soon());
        var expired = await client.AuthorizeTokenAsync(Request("b", "0B0B0B0B"), deadline: Soon());
        var notAllowed = await client.AuthorizeTokenAsync(mismatch, deadline: Soon());
        var allowed = await client.AuthorizeTokenAsync(matching, deadline: Soon());

        Assert.Equal((AuthorizationStatus.Blocked, string.Empty), (blocked.Status, blocked.AuthorizationReference));
        Assert.Equal((AuthorizationStatus.Expired, string.Empty), (expired.Status, expired.AuthorizationReference));
        Assert.Equal((AuthorizationStatus.NotAllowed, string.Empty), (notAllowed.Status, notAllowed.AuthorizationReference));
        Assert.Null(blocked.ExpireTime);
        Assert.False(blocked.Token.Valid);
        Assert.Equal(AuthorizationStatus.Allowed, allowed.Status);
    }

    [Fact]
    public async Task AuthorizeToken_UnknownOrAnotherProvidersToken_NotFoundUnknownToken()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var client = AuthorizationClient(endpoints);
        var foreign = Request("b", "04A1B2C3");
        foreign.Token.ProviderId = "NL-TNM";
        var own = Request("c", "04A1B2C3");
        own.Token.ProviderId = "de8eo";

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await client.AuthorizeTokenAsync(Request("a", "04A1B2C4"), deadline: Soon()));
        var other = await Assert.ThrowsAsync<RpcException>(async () => await client.AuthorizeTokenAsync(foreign, deadline: Soon()));
        var mine = await client.AuthorizeTokenAsync(own, deadline: Soon());

        Assert.Equal((StatusCode.NotFound, "UNKNOWN_TOKEN", "TOKEN_TYPE_RFID"), (unknown.StatusCode, ReasonOf(unknown), Metadata(unknown, "token_type")));
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_TOKEN"), (other.StatusCode, ReasonOf(other)));
        Assert.DoesNotContain("04A1B2C", unknown.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(AuthorizationStatus.Allowed, mine.Status);
    }

    [Fact]
    public async Task AuthorizeToken_PlugAndChargeCertificate_AllowedOnlyWhenItNamesTheEmaid()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var emaid = await IssueAsync(endpoints, Emaid("PC000001"));
        var client = AuthorizationClient(endpoints);
        var bound = Request("a", emaid.Uid, TokenType.Emaid, IdentificationMethod.PlugAndCharge);
        bound.ContractCertificatePem = ContractCertificateChain(emaid.Uid.Replace("-", string.Empty, StringComparison.Ordinal));
        var foreign = Request("b", emaid.Uid, TokenType.Emaid, IdentificationMethod.PlugAndCharge);
        foreign.ContractCertificatePem = ContractCertificateChain(Contract("PC000002"));
        var garbage = Request("c", emaid.Uid, TokenType.Emaid, IdentificationMethod.PlugAndCharge);
        garbage.ContractCertificatePem = "not a certificate";

        var allowed = await client.AuthorizeTokenAsync(bound, deadline: Soon());
        var refused = await client.AuthorizeTokenAsync(foreign, deadline: Soon());
        var invalid = await Assert.ThrowsAsync<RpcException>(async () => await client.AuthorizeTokenAsync(garbage, deadline: Soon()));

        Assert.Equal(AuthorizationStatus.Allowed, allowed.Status);
        Assert.Equal(AuthorizationStatus.NotAllowed, refused.Status);
        Assert.Equal((StatusCode.InvalidArgument, "contract_certificate_pem"), (invalid.StatusCode, Metadata(invalid, "field")));
    }

    [Fact]
    public async Task AuthorizeToken_BadRequests_InvalidArgumentOrPartyMismatch()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var client = AuthorizationClient(endpoints);
        var noMethod = Request("a", "04A1B2C3");
        noMethod.IdentificationMethod = IdentificationMethod.Unspecified;
        var foreignEvse = Request("b", "04A1B2C3");
        foreignEvse.EvseId = "DE*XYZ*E1";
        var badUid = Request("c", "04A1B2CZ");
        var noRequestId = Request(string.Empty, "04A1B2C3");

        var errors = new[] { noMethod, foreignEvse, badUid, noRequestId };
        var answers = new List<(StatusCode, string?, string?)>();
        foreach (var request in errors)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await client.AuthorizeTokenAsync(request, deadline: Soon()));
            answers.Add((error.StatusCode, ReasonOf(error), Metadata(error, "field")));
        }

        Assert.Equal(
            [
                (StatusCode.InvalidArgument, "MISSING_FIELD", "identification_method"),
                (StatusCode.PermissionDenied, "PARTY_MISMATCH", "evse_id"),
                (StatusCode.InvalidArgument, "INVALID_FIELD", "token.uid"),
                (StatusCode.InvalidArgument, "MISSING_FIELD", "request_id"),
            ],
            answers);
    }

    private static AuthorizeTokenRequest Request(string requestId, string uid, TokenType type = TokenType.Rfid, IdentificationMethod method = IdentificationMethod.Rfid) => new()
    {
        RequestId = requestId,
        Token = new TokenRef { Uid = uid, Type = type },
        IdentificationMethod = method,
        EvseId = "DE*ABC*E1*1",
    };

    // A self-made contract certificate chain (leaf first): this endpoint checks the EMAID binding only.
    private static string ContractCertificateChain(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var leaf = new CertificateRequest($"CN={commonName}, O=Test Mobility Operator", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = new CertificateRequest("CN=Test MO Root", rootKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return leaf.ExportCertificatePem() + "\n" + root.ExportCertificatePem() + "\n";
    }
}
