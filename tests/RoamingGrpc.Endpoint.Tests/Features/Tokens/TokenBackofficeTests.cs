using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using static RoamingGrpc.Endpoint.Tests.Features.Tokens.TokenCalls;

namespace RoamingGrpc.Endpoint.Tests.Features.Tokens;

/// <summary>The CSP's token administration (CspBackofficeService) over mutual TLS with a backoffice certificate.</summary>
public sealed class TokenBackofficeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task IssueToken_RfidWithSeparators_StoredNormalizedWithProviderAndListed()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var token = Rfid("04:a1:b2:c3:d4:e5:f6");
        token.ContractId = "de8eocab123456";

        var issued = (await backoffice.IssueTokenAsync(new IssueTokenRequest { RequestId = "i1", Token = token }, deadline: Soon())).Token;
        var listed = await backoffice.ListIssuedTokensAsync(new ListIssuedTokensRequest(), deadline: Soon());

        Assert.Equal("04A1B2C3D4E5F6", issued.Uid);
        Assert.Equal("DE-8EO", issued.ProviderId);
        Assert.Equal(Contract(), issued.ContractId);
        Assert.True(issued.Valid);
        Assert.NotNull(issued.UpdateTime);
        Assert.Equal([issued], listed.Tokens);
        Assert.Empty(listed.NextPageToken);
    }

    [Fact]
    public async Task IssueToken_RetriedReusedAndClashing_SameResponseRequestIdReusedAlreadyExists()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var request = new IssueTokenRequest { RequestId = "same", Token = Rfid("04A1B2C3") };

        var first = await backoffice.IssueTokenAsync(request, deadline: Soon());
        var retried = await backoffice.IssueTokenAsync(request, deadline: Soon());
        var reused = await Assert.ThrowsAsync<RpcException>(async () => await backoffice.IssueTokenAsync(
            new IssueTokenRequest { RequestId = "same", Token = Rfid("04A1B2C4") }, deadline: Soon()));
        var clash = await Assert.ThrowsAsync<RpcException>(async () => await backoffice.IssueTokenAsync(
            new IssueTokenRequest { RequestId = "other", Token = Rfid("04a1b2c3", WhitelistType.Never) }, deadline: Soon()));
        var listed = await backoffice.ListIssuedTokensAsync(new ListIssuedTokensRequest(), deadline: Soon());

        Assert.Equal(first, retried);
        Assert.Equal((StatusCode.AlreadyExists, "REQUEST_ID_REUSED"), (reused.StatusCode, ReasonOf(reused)));
        Assert.Equal((StatusCode.AlreadyExists, "token.uid"), (clash.StatusCode, Metadata(clash, "field")));
        Assert.Equal([first.Token], listed.Tokens);
    }

    [Fact]
    public async Task IssueToken_BadInput_InvalidArgumentNamingTheFieldAndNothingWritten()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var cases = new List<(string What, Token Token, StatusCode Code, string Reason, string? Field)>
        {
            ("no type", With(Rfid("04A1B2C3"), token => token.Type = TokenType.Unspecified), StatusCode.InvalidArgument, "MISSING_FIELD", "token.type"),
            ("no uid", With(Rfid("04A1B2C3"), token => token.Uid = string.Empty), StatusCode.InvalidArgument, "MISSING_FIELD", "token.uid"),
            ("rfid not hex", Rfid("04A1B2CZ"), StatusCode.InvalidArgument, "INVALID_FIELD", "token.uid"),
            ("rfid odd digits", Rfid("04A1B2C"), StatusCode.InvalidArgument, "INVALID_FIELD", "token.uid"),
            ("emaid malformed", With(Emaid("AB123456"), token => token.Uid = "DE-8EO-XAB123456"), StatusCode.InvalidArgument, "INVALID_IDENTIFIER", "token.uid"),
            ("emaid of another provider", With(Emaid("AB123456"), token => token.Uid = "NL-TNM-CAB123456"), StatusCode.InvalidArgument, "INVALID_FIELD", "token.uid"),
            ("app uid with space", With(Rfid("x"), token => { token.Type = TokenType.AppUser; token.Uid = "user 1"; }), StatusCode.InvalidArgument, "INVALID_FIELD", "token.uid"),
            ("no contract", With(Rfid("04A1B2C3"), token => token.ContractId = string.Empty), StatusCode.InvalidArgument, "MISSING_FIELD", "token.contract_id"),
            ("contract malformed", With(Rfid("04A1B2C3"), token => token.ContractId = "DE-8EO-CAB12"), StatusCode.InvalidArgument, "INVALID_IDENTIFIER", "token.contract_id"),
            ("contract of another provider", With(Rfid("04A1B2C3"), token => token.ContractId = "NL-TNM-CAB123456"), StatusCode.InvalidArgument, "INVALID_FIELD", "token.contract_id"),
            ("no whitelist", Rfid("04A1B2C3", WhitelistType.Unspecified), StatusCode.InvalidArgument, "MISSING_FIELD", "token.whitelist"),
            ("visual number too long", With(Rfid("04A1B2C3"), token => token.VisualNumber = new string('9', 65)), StatusCode.InvalidArgument, "INVALID_FIELD", "token.visual_number"),
            ("issuer too long", With(Rfid("04A1B2C3"), token => token.Issuer = new string('i', 65)), StatusCode.InvalidArgument, "INVALID_FIELD", "token.issuer"),
            ("language upper case", With(Rfid("04A1B2C3"), token => token.Language = "DE"), StatusCode.InvalidArgument, "INVALID_FIELD", "token.language"),
            ("another provider", With(Rfid("04A1B2C3"), token => token.ProviderId = "NL-TNM"), StatusCode.PermissionDenied, "PARTY_MISMATCH", "token.provider_id"),
        };
        var failures = new List<string>();
        foreach (var (what, token, code, reason, field) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await backoffice.IssueTokenAsync(new IssueTokenRequest { RequestId = Guid.NewGuid().ToString(), Token = token }, deadline: Soon()));
            if ((error.StatusCode, ReasonOf(error), Metadata(error, "field")) != (code, reason, field))
            {
                failures.Add($"{what}: {error.StatusCode} {ReasonOf(error)} {Metadata(error, "field")} ({error.Status.Detail})");
            }
        }

        var missing = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.IssueTokenAsync(new IssueTokenRequest { RequestId = "no-token" }, deadline: Soon()));
        var listed = await backoffice.ListIssuedTokensAsync(new ListIssuedTokensRequest(), deadline: Soon());

        Assert.Empty(failures);
        Assert.Equal("token", Metadata(missing, "field"));
        Assert.Empty(listed.Tokens);
    }

    [Fact]
    public async Task UpdateToken_ChangedUnchangedUnknown_StoredSameOrNotFound()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var issued = await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var changed = Rfid("04A1B2C3", WhitelistType.Never);
        changed.GroupId = "family-1";

        var updated = (await backoffice.UpdateTokenAsync(new UpdateTokenRequest { RequestId = "u1", Token = changed }, deadline: Soon())).Token;
        var again = (await backoffice.UpdateTokenAsync(new UpdateTokenRequest { RequestId = "u2", Token = changed }, deadline: Soon())).Token;
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.UpdateTokenAsync(new UpdateTokenRequest { RequestId = "u3", Token = Rfid("04A1B2C4") }, deadline: Soon()));

        Assert.Equal(WhitelistType.Never, updated.Whitelist);
        Assert.Equal("family-1", updated.GroupId);
        Assert.True(updated.UpdateTime.ToDateTimeOffset() >= issued.UpdateTime.ToDateTimeOffset());
        Assert.Equal(updated, again);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_TOKEN", "TOKEN_TYPE_RFID"), (unknown.StatusCode, ReasonOf(unknown), Metadata(unknown, "token_type")));
    }

    [Fact]
    public async Task BlockToken_TwiceAndUnknown_BlockedOnceThenUnchangedAndNotFound()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        await IssueAsync(endpoints, Rfid("04A1B2C3"));

        var blocked = (await backoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "b1", Uid = "04:a1:b2:c3", Type = TokenType.Rfid, Reason = "card lost" }, deadline: Soon())).Token;
        var again = (await backoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "b2", Uid = "04A1B2C3", Type = TokenType.Rfid }, deadline: Soon())).Token;
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "b3", Uid = "04A1B2C4", Type = TokenType.Rfid }, deadline: Soon()));
        var noType = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.BlockTokenAsync(new BlockTokenRequest { RequestId = "b4", Uid = "04A1B2C3" }, deadline: Soon()));

        Assert.False(blocked.Valid);
        Assert.Equal(blocked, again);
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_TOKEN"), (unknown.StatusCode, ReasonOf(unknown)));
        Assert.Equal((StatusCode.InvalidArgument, "type"), (noType.StatusCode, Metadata(noType, "field")));
        Assert.Contains(endpoints.Csp.Log.Lines, line => line.Contains("Blocked Rfid token ...B2C3: card lost", StringComparison.Ordinal));
        Assert.DoesNotContain(endpoints.Csp.Log.Lines, line => line.Contains("04A1B2C3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListIssuedTokens_SmallPagesAndUpdatedSince_EveryTokenOnceInChangeOrder()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);
        var issued = new List<Token>();
        for (var i = 0; i < 5; i++)
        {
            issued.Add(await IssueAsync(endpoints, Rfid($"04A1B2C{i}")));
        }

        var pages = new List<ListIssuedTokensResponse>();
        var request = new ListIssuedTokensRequest { PageSize = 2 };
        do
        {
            pages.Add(await backoffice.ListIssuedTokensAsync(request, deadline: Soon()));
            request.PageToken = pages[^1].NextPageToken;
        }
        while (request.PageToken.Length > 0);
        var future = await backoffice.ListIssuedTokensAsync(
            new ListIssuedTokensRequest { UpdatedSince = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(1)) }, deadline: Soon());
        var tooLarge = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.ListIssuedTokensAsync(new ListIssuedTokensRequest { PageSize = 1001 }, deadline: Soon()));

        Assert.Equal([2, 2, 1], pages.Select(page => page.Tokens.Count));
        Assert.Equal(issued, pages.SelectMany(page => page.Tokens));
        Assert.Single(pages.Select(page => page.SyncTime).Distinct());
        Assert.Empty(future.Tokens);
        Assert.Equal("PAGE_SIZE_TOO_LARGE", ReasonOf(tooLarge));
    }

    [Fact]
    public async Task RemoteCommands_BadRequests_InvalidArgumentAndUnknownCommandHasNoResult()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = Backoffice(endpoints);

        var noToken = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.RequestRemoteStartAsync(new RequestRemoteStartRequest { RequestId = "s", EvseId = "DE*ABC*E1*1" }, deadline: Soon()));
        var badOperator = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.RequestRemoteStopAsync(new RequestRemoteStopRequest { RequestId = "s", OperatorId = "not an operator", SessionId = "x" }, deadline: Soon()));
        var unknownPartner = await Assert.ThrowsAsync<RpcException>(async () =>
            await backoffice.RequestRemoteStopAsync(new RequestRemoteStopRequest { RequestId = "t", OperatorId = "FR*XYZ", SessionId = "x" }, deadline: Soon()));
        var pending = await backoffice.GetCommandResultAsync(new GetCommandResultRequest { OperatorId = "DE*ABC", CommandId = "no-such-command" }, deadline: Soon());

        Assert.Equal((StatusCode.InvalidArgument, "MISSING_FIELD"), (noToken.StatusCode, ReasonOf(noToken)));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_IDENTIFIER"), (badOperator.StatusCode, ReasonOf(badOperator)));
        Assert.Equal((StatusCode.NotFound, "UNKNOWN_PARTY"), (unknownPartner.StatusCode, ReasonOf(unknownPartner)));
        Assert.Null(pending.CommandResult);
    }

    [Fact]
    public async Task IssueToken_PartnerCertificate_PermissionDeniedRoleNotAllowed()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var asPartner = new CspBackofficeService.CspBackofficeServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await asPartner.IssueTokenAsync(new IssueTokenRequest { RequestId = "p", Token = Rfid("04A1B2C3") }, deadline: Soon()));

        Assert.Equal((StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED"), (error.StatusCode, ReasonOf(error)));
    }

    private static Token With(Token token, Action<Token> change)
    {
        change(token);
        return token;
    }
}
