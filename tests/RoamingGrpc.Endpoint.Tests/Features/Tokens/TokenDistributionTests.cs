using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Tokens;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Tokens;
using static RoamingGrpc.Endpoint.Tests.Features.Tokens.TokenCalls;

namespace RoamingGrpc.Endpoint.Tests.Features.Tokens;

/// <summary>UC4-2 durable distribution: the CSP's TokenListDistributor keeps the CSO's copy of its list current.</summary>
public sealed class TokenDistributionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task IssuedTokens_ReachTheCso_FullListFirstThenDeltas()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var first = await IssueAsync(endpoints, Rfid("0A0A0A0A"));
        var second = await IssueAsync(endpoints, Emaid("DI000001", WhitelistType.Always));

        var held = await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 2, "both issued tokens are held");
        var third = await IssueAsync(endpoints, Rfid("0C0C0C0C", WhitelistType.Never));
        var after = await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 3, "the third token is held too");

        await WaitForLogAsync(endpoints.Csp, "Pushed the token list DELTA 2 -> 3 (1 change(s)) to cso:DE*ABC");

        Assert.Equal([first, second], held);
        Assert.Equal([first, third, second], after);
        Assert.Contains(endpoints.Csp.Log.Lines, line => line.Contains("Pushed the FULL token list version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BlockToken_ChangeReachesTheCso()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("0A0A0A0A"));
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 1 && tokens[0].Valid, "the token is held as valid");

        var blocked = (await Backoffice(endpoints).BlockTokenAsync(new BlockTokenRequest { RequestId = "b", Uid = "0A0A0A0A", Type = TokenType.Rfid, Reason = "stolen" }, deadline: Soon())).Token;
        var held = await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 1 && !tokens[0].Valid, "the token is held as blocked");

        Assert.Equal([blocked], held);
    }

    [Fact]
    public async Task HashedLists_CsoHoldsUidHashesUnderThePartnersSalt()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync(extra: new Dictionary<string, string?> { ["Roaming:Authorization:HashTokenLists"] = "true" });
        await endpoints.StartCsoAsync(endpoints.Csp.Url);
        var csp = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => csp.IsRegistered(TwoEndpoints.CsoIdentity), Deadline, "the CSO registered with the CSP");
        await IssueAsync(endpoints, Rfid("0A0A0A0A"));
        await IssueAsync(endpoints, Rfid("0B0B0B0B"));

        var held = await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 2, "both tokens are held");
        var list = (await endpoints.Cso.Services.GetRequiredService<IPartnerTokenLists>().ListsAsync(CancellationToken.None)).Single();

        Assert.Equal(32, list.Salt.Length);
        Assert.All(held, token => Assert.Empty(token.Uid));
        Assert.Equal(
            new[] { TokenUidHash.Compute(list.Salt, "0A0A0A0A"), TokenUidHash.Compute(list.Salt, "0B0B0B0B") }.Order(StringComparer.Ordinal),
            held.Select(token => token.UidHash).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CsoRestartedWithoutItsDatabase_GetsTheFullListAgain()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("0A0A0A0A"));
        await IssueAsync(endpoints, Rfid("0B0B0B0B"));
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 2, "both tokens are held");
        var cspDirectory = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        var registeredBefore = cspDirectory.Find(TwoEndpoints.CsoIdentity)!.Revision;
        var linesBefore = endpoints.Csp.Log.Lines.Count;

        var stopped = endpoints.Cso;
        await stopped.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(endpoints.Root, "cso.db*"))
        {
            File.Delete(file);
        }

        await endpoints.StartCsoAsync(endpoints.Csp.Url);
        await TwoEndpoints.WaitUntilAsync(
            () => cspDirectory.Find(TwoEndpoints.CsoIdentity)!.Revision > registeredBefore,
            Deadline,
            "the restarted CSO registered again");
        var held = await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 2, "the fresh CSO holds both tokens");
        await WaitForLogAsync(endpoints.Csp, "Pushed the FULL token list version 2 (2 token(s), 1 chunk(s)) to cso:DE*ABC", linesBefore);

        Assert.Equal(["0A0A0A0A", "0B0B0B0B"], held.Select(token => token.Uid));
        Assert.Empty(stopped.Log.Errors);
    }

    [Fact]
    public async Task CspRestarted_DistributionStateSurvives_OnlyTheNewChangeIsPushed()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("0A0A0A0A"));
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 1, "the token is held");
        // The CSP records what the CSO holds once the CSO answered: wait for that record, which survives the restart.
        var store = endpoints.Csp.Services.GetRequiredService<ITokenDistributionStore>();
        await TwoEndpoints.WaitUntilAsync(
            () => store.EnsureAsync("DE*ABC", TokenUidHash.NewSalt(), DateTimeOffset.UtcNow, CancellationToken.None).GetAwaiter().GetResult().HeldVersion == 1,
            Deadline,
            "the CSP recorded that the CSO holds version 1");

        var port = endpoints.Csp.Url.Port;
        var stopped = endpoints.Csp;
        await stopped.DisposeAsync();
        await endpoints.StartCspAsync($"127.0.0.1:{port}");
        await IssueAsync(endpoints, Rfid("0B0B0B0B"));
        var after = await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 2, "the new token is held");
        await WaitForLogAsync(endpoints.Csp, "Pushed the token list DELTA 1 -> 2 (1 change(s))");

        Assert.Equal(["0A0A0A0A", "0B0B0B0B"], after.Select(token => token.Uid));
        Assert.DoesNotContain(endpoints.Csp.Log.Lines, line => line.Contains("Pushed the FULL token list", StringComparison.Ordinal));
        Assert.Empty(stopped.Log.Errors);
    }

    [Fact]
    public async Task ManyTokens_FullListInChunksOf1000ThenDeltasOf1000()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await SeedAsync(endpoints, Enumerable.Range(0, 2500).Select(i => Rfid($"{i:X8}")));

        var full = await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 2500, "all 2500 tokens are held");
        await WaitForLogAsync(endpoints.Csp, "Pushed the FULL token list version 2500 (2500 token(s), 3 chunk(s)) to cso:DE*ABC");
        await SeedAsync(endpoints, Enumerable.Range(0, 1200).Select(i => Rfid($"{i:X8}", WhitelistType.Never)));
        var changed = await WaitForCsoListAsync(endpoints, tokens => tokens.Count(token => token.Whitelist == WhitelistType.Never) == 1200, "the 1200 changes are held");
        await WaitForLogAsync(endpoints.Csp, "Pushed the token list DELTA 3500 -> 3700 (200 change(s))");

        Assert.Equal(2500, changed.Count);
        Assert.Equal(full.Select(token => token.Uid), changed.Select(token => token.Uid));
        Assert.Contains(endpoints.Csp.Log.Lines, line => line.Contains("Pushed the token list DELTA 2500 -> 3500 (1000 change(s))", StringComparison.Ordinal));
    }

    // Writes tokens straight into the CSP's store in one transaction (as many back-office calls would, one by one),
    // then wakes the distributor as the back office does.
    private static async Task SeedAsync(TwoEndpoints endpoints, IEnumerable<Token> tokens)
    {
        var repository = endpoints.Csp.Services.GetRequiredService<ITokenRepository>();
        var now = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var rows = tokens.Select(token =>
        {
            token.ProviderId = "DE-8EO";
            token.UpdateTime = now;
            return new TokenRow((long)token.Type, token.Uid, 0, now.ToDateTimeOffset().ToUnixTimeMilliseconds(), 1, (long)token.Whitelist, 0, Google.Protobuf.MessageExtensions.ToByteArray(token));
        }).ToList();
        await endpoints.Csp.Services.GetRequiredService<RoamingGrpc.Storage.IDatabase>().WriteAsync(
            write =>
            {
                rows.ForEach(row => repository.Save(write, row));
                return rows.Count;
            },
            CancellationToken.None);
    }
}
