using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using static RoamingGrpc.Endpoint.Tests.Features.Tokens.TokenCalls;

namespace RoamingGrpc.Endpoint.Tests.Features.Tokens;

/// <summary>UC4-2 on the wire: the CSP's ListTokens (pull) and the CSO's PushTokenUpdates receiver (push).</summary>
public sealed class TokenListTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ListTokens_FullPagedThenDeltaAndUnknownVersion_ListVersionModeAndOrder()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var issued = new[]
        {
            await IssueAsync(endpoints, Rfid("0C0C0C0C")),
            await IssueAsync(endpoints, Emaid("LT000001")),
            await IssueAsync(endpoints, Rfid("0A0A0A0A")),
        };
        var client = AuthorizationClient(endpoints);

        var pages = new List<ListTokensResponse>();
        var request = new ListTokensRequest { PageSize = 2 };
        do
        {
            pages.Add(await client.ListTokensAsync(request, deadline: Soon()));
            request.PageToken = pages[^1].NextPageToken;
        }
        while (request.PageToken.Length > 0);
        var blocked = (await Backoffice(endpoints).BlockTokenAsync(new BlockTokenRequest { RequestId = "b", Uid = "0C0C0C0C", Type = TokenType.Rfid }, deadline: Soon())).Token;
        var delta = await client.ListTokensAsync(new ListTokensRequest { SinceVersion = 3 }, deadline: Soon());
        var current = await client.ListTokensAsync(new ListTokensRequest { SinceVersion = 4 }, deadline: Soon());
        var ahead = await client.ListTokensAsync(new ListTokensRequest { SinceVersion = 99 }, deadline: Soon());
        var mixed = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ListTokensAsync(new ListTokensRequest { PageSize = 2, PageToken = pages[0].NextPageToken, HashUids = true }, deadline: Soon()));

        Assert.All(pages, page => Assert.Equal((3UL, TokenListMode.Full), (page.ListVersion, page.Mode)));
        Assert.Equal([issued[2], issued[0], issued[1]], pages.SelectMany(page => page.Tokens)); // by type, then uid
        Assert.Equal((4UL, TokenListMode.Delta), (delta.ListVersion, delta.Mode));
        Assert.Equal([blocked], delta.Tokens);
        Assert.Equal((4UL, TokenListMode.Delta, 0), (current.ListVersion, current.Mode, current.Tokens.Count));
        Assert.Equal((4UL, TokenListMode.Full, 3), (ahead.ListVersion, ahead.Mode, ahead.Tokens.Count));
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN"), (mixed.StatusCode, ReasonOf(mixed)));
    }

    [Fact]
    public async Task ListTokens_HashUids_Sha256OfThePartnersFixedSaltAndUid()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var issued = await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var client = AuthorizationClient(endpoints);

        var first = await client.ListTokensAsync(new ListTokensRequest { HashUids = true }, deadline: Soon());
        var second = await client.ListTokensAsync(new ListTokensRequest { HashUids = true, SinceVersion = 0 }, deadline: Soon());

        var token = Assert.Single(first.Tokens);
        var salt = first.Hashing.Salt.ToByteArray();
        Assert.Equal(TokenHashAlgorithm.Sha256, first.Hashing.Algorithm);
        Assert.InRange(salt.Length, 16, 64);
        Assert.Empty(token.Uid);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes("04A1B2C3")])), token.UidHash);
        Assert.Equal(issued.ContractId, token.ContractId);
        Assert.Equal(first.Hashing, second.Hashing);
        Assert.Equal(TokenListMode.Delta, second.Mode);
        Assert.Equal(token.UidHash, Assert.Single(second.Tokens).UidHash);
    }

    [Fact]
    public async Task PushTokenUpdates_ChunksDuplicatesAndDeltas_AppliedAsTheContractSays()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var client = TokenUpdates(endpoints);
        var a = Pushed(Rfid("0A0A0A0A"));
        var b = Pushed(Rfid("0B0B0B0B"));
        var c = Pushed(Emaid("PU000001"));

        var chunk0 = await client.PushTokenUpdatesAsync(Full("r1", 10, 0, last: false, a, b), deadline: Soon());
        var chunk0Again = await client.PushTokenUpdatesAsync(Full("r2", 10, 0, last: false, a, b), deadline: Soon());
        var skipped = await Assert.ThrowsAsync<RpcException>(async () => await client.PushTokenUpdatesAsync(Full("r3", 10, 2, last: true, c), deadline: Soon()));
        var chunk1 = await client.PushTokenUpdatesAsync(Full("r4", 10, 1, last: true, c), deadline: Soon());
        var chunk1Again = await client.PushTokenUpdatesAsync(Full("r5", 10, 1, last: true, c), deadline: Soon());
        var wrongBase = await Assert.ThrowsAsync<RpcException>(async () => await client.PushTokenUpdatesAsync(Delta("r6", 9, 11), deadline: Soon()));
        var blockedB = b.Clone();
        blockedB.Valid = false;
        var removedA = new Token { Type = TokenType.Rfid, Uid = a.Uid, Removed = true };
        var delta = await client.PushTokenUpdatesAsync(Delta("r7", 10, 11, removedA, blockedB), deadline: Soon());
        var deltaAgain = await client.PushTokenUpdatesAsync(Delta("r8", 10, 11, removedA, blockedB), deadline: Soon());
        var (version, held) = await CsoListAsync(endpoints.Cso);

        Assert.Equal((TokenListPushOutcome.ChunkStored, 0UL, 0U), (chunk0.Outcome, chunk0.CurrentVersion, chunk0.TokenCount));
        Assert.Equal(TokenListPushOutcome.Duplicate, chunk0Again.Outcome);
        Assert.Equal((StatusCode.FailedPrecondition, "LIST_VERSION_MISMATCH"), (skipped.StatusCode, ReasonOf(skipped)));
        Assert.Equal((TokenListPushOutcome.Applied, 10UL, 3U), (chunk1.Outcome, chunk1.CurrentVersion, chunk1.TokenCount));
        Assert.Equal((TokenListPushOutcome.Duplicate, 10UL, 3U), (chunk1Again.Outcome, chunk1Again.CurrentVersion, chunk1Again.TokenCount));
        Assert.Equal((StatusCode.FailedPrecondition, "LIST_VERSION_MISMATCH", "10"), (wrongBase.StatusCode, ReasonOf(wrongBase), Metadata(wrongBase, "current_version")));
        Assert.Equal((TokenListPushOutcome.Applied, 11UL, 2U), (delta.Outcome, delta.CurrentVersion, delta.TokenCount));
        Assert.Equal((TokenListPushOutcome.Duplicate, 11UL), (deltaAgain.Outcome, deltaAgain.CurrentVersion));
        Assert.Equal(11, version);
        Assert.Equal([(blockedB.Uid, false), (c.Uid, true)], held.Select(token => (token.Uid, token.Valid)));
        Assert.All(held, token => Assert.Equal("DE-8EO", token.ProviderId));
    }

    [Fact]
    public async Task PushTokenUpdates_NewFullVersionWhileIncomplete_DiscardsTheIncompleteOne()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var client = TokenUpdates(endpoints);

        await client.PushTokenUpdatesAsync(Full("r1", 5, 0, last: true, Pushed(Rfid("05050505"))), deadline: Soon());
        var incomplete = await client.PushTokenUpdatesAsync(Full("r2", 6, 0, last: false, Pushed(Rfid("06060606"))), deadline: Soon());
        var newer = await client.PushTokenUpdatesAsync(Full("r3", 7, 0, last: true, Pushed(Rfid("07070707"))), deadline: Soon());
        var stale = await client.PushTokenUpdatesAsync(Full("r4", 6, 1, last: true, Pushed(Rfid("06060607"))), deadline: Soon());
        var (version, held) = await CsoListAsync(endpoints.Cso);

        Assert.Equal((TokenListPushOutcome.ChunkStored, 5UL), (incomplete.Outcome, incomplete.CurrentVersion));
        Assert.Equal((TokenListPushOutcome.Applied, 7UL, 1U), (newer.Outcome, newer.CurrentVersion, newer.TokenCount));
        Assert.Equal((TokenListPushOutcome.Duplicate, 7UL), (stale.Outcome, stale.CurrentVersion));
        Assert.Equal(7, version);
        Assert.Equal(["07070707"], held.Select(token => token.Uid));
    }

    [Fact]
    public async Task PushTokenUpdates_ForeignMalformedOversizeOrRehashedDelta_RefusedAndNothingChanged()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var client = TokenUpdates(endpoints);
        await client.PushTokenUpdatesAsync(Full("base", 3, 0, last: true, Pushed(Rfid("03030303"))), deadline: Soon());
        var foreign = Pushed(Rfid("0F0F0F0F"));
        foreign.ProviderId = "NL-TNM";
        var hashedDelta = Delta("hashed", 3, 4, Pushed(Rfid("04040404")));
        hashedDelta.Tokens[0].UidHash = new string('a', 64);
        hashedDelta.Tokens[0].Uid = string.Empty;
        hashedDelta.Hashing = new TokenUidHashing { Algorithm = TokenHashAlgorithm.Sha256, Salt = ByteString.CopyFrom(new byte[16]) };
        var cases = new (string What, PushTokenUpdatesRequest Request, StatusCode Code, string Reason)[]
        {
            ("foreign provider", Delta("f", 3, 4, foreign), StatusCode.PermissionDenied, "PARTY_MISMATCH"),
            ("bad uid", Delta("u", 3, 4, Pushed(Rfid("0G"))), StatusCode.InvalidArgument, "INVALID_FIELD"),
            ("no mode", new PushTokenUpdatesRequest { RequestId = "m", ListVersion = 4, LastChunk = true }, StatusCode.InvalidArgument, "MISSING_FIELD"),
            ("oversize", Full("o", 4, 0, true, [.. Enumerable.Range(0, 1001).Select(i => Pushed(Rfid($"{i:X8}")))]), StatusCode.InvalidArgument, "BATCH_TOO_LARGE"),
            ("hashing changed by a delta", hashedDelta, StatusCode.FailedPrecondition, "LIST_VERSION_MISMATCH"),
        };

        var failures = new List<string>();
        foreach (var (what, request, code, reason) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await client.PushTokenUpdatesAsync(request, deadline: Soon()));
            if ((error.StatusCode, ReasonOf(error)) != (code, reason))
            {
                failures.Add($"{what}: {error.StatusCode} {ReasonOf(error)} ({error.Status.Detail})");
            }
        }

        var (version, held) = await CsoListAsync(endpoints.Cso);
        Assert.Empty(failures);
        Assert.Equal(3, version);
        Assert.Equal(["03030303"], held.Select(token => token.Uid));
    }

    // A token as a CSP pushes it: as issued, with the provider set.
    private static Token Pushed(Token token)
    {
        token.ProviderId = "DE-8EO";
        return token;
    }

    private static PushTokenUpdatesRequest Full(string requestId, ulong version, uint chunk, bool last, params Token[] tokens) => new()
    {
        RequestId = requestId,
        Mode = TokenListMode.Full,
        ListVersion = version,
        ChunkIndex = chunk,
        LastChunk = last,
        Tokens = { tokens },
    };

    private static PushTokenUpdatesRequest Delta(string requestId, ulong baseVersion, ulong version, params Token[] tokens) => new()
    {
        RequestId = requestId,
        Mode = TokenListMode.Delta,
        BaseVersion = baseVersion,
        ListVersion = version,
        LastChunk = true,
        Tokens = { tokens },
    };
}
