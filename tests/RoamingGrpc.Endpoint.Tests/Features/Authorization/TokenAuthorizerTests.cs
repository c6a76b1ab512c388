using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Authorization;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using static RoamingGrpc.Endpoint.Tests.Features.Tokens.TokenCalls;

namespace RoamingGrpc.Endpoint.Tests.Features.Authorization;

/// <summary>The CSO's TokenAuthorizer: online at the home-CSP (UC4-1), falling back to the distributed list (UC4-2).</summary>
public sealed class TokenAuthorizerTests(ITestOutputHelper output)
{
    private const string EvseId = "DE*ABC*E1*1";

    [Fact]
    public async Task AuthorizeAsync_CspReachable_AllowedOnlineWithReference()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var issued = await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var authorizer = endpoints.Cso.Services.GetRequiredService<TokenAuthorizer>();

        var decision = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "04:a1:b2:c3", Type = TokenType.Rfid, ProviderId = "DE-8EO" }, IdentificationMethod.Rfid, EvseId, "1", null, "online-1", CancellationToken.None);
        var retried = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "04A1B2C3", Type = TokenType.Rfid, ProviderId = "DE-8EO" }, IdentificationMethod.Rfid, EvseId, "1", null, "online-1", CancellationToken.None);

        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.Online, "DE-8EO"), (decision.Status, decision.Method, decision.ProviderId));
        Assert.True(Guid.TryParse(decision.AuthorizationReference, out _));
        Assert.Equal(issued, decision.Token);
        Assert.Equal(decision.AuthorizationReference, retried.AuthorizationReference);
        // The CSP records the decision behind the answer (IdempotentDecisions.FlushDelay).
        await TwoEndpoints.WaitUntilAsync(
            () => DatabaseSnapshot.Requests(endpoints.Csp.Database).Contains("online-1", StringComparison.Ordinal), Deadline, "the CSP recorded the authorization");
        Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains("Rfid token ...B2C3 at DE*ABC*E1*1: Allowed, answered online by DE-8EO", StringComparison.Ordinal));
        Assert.DoesNotContain(endpoints.Cso.Log.Lines, line => line.Contains("04A1B2C3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthorizeAsync_HomeCspFoundFromListOrEmaid_AskedOnline()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var emaid = await IssueAsync(endpoints, Emaid("AZ000001"));
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 2, "both tokens are held");
        var authorizer = endpoints.Cso.Services.GetRequiredService<TokenAuthorizer>();

        var fromList = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "04A1B2C3", Type = TokenType.Rfid }, IdentificationMethod.Rfid, EvseId, null, null, "list-1", CancellationToken.None);
        var fromEmaid = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = emaid.Uid.ToLowerInvariant(), Type = TokenType.Emaid }, IdentificationMethod.PlugAndCharge, EvseId, null, null, "emaid-1", CancellationToken.None);

        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.Online, "DE-8EO"), (fromList.Status, fromList.Method, fromList.ProviderId));
        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.Online, "DE-8EO"), (fromEmaid.Status, fromEmaid.Method, fromEmaid.ProviderId));
        Assert.Equal(emaid, fromEmaid.Token);
    }

    [Fact]
    public async Task AuthorizeAsync_UnknownTokenOrNoRegisteredCsp_NotAllowed()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("04A1B2C3"));
        var authorizer = endpoints.Cso.Services.GetRequiredService<TokenAuthorizer>();

        var unknownAtCsp = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "0F0F0F0F", Type = TokenType.Rfid, ProviderId = "DE-8EO" }, IdentificationMethod.Rfid, EvseId, null, null, "u1", CancellationToken.None);
        var noCsp = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "0F0F0F0F", Type = TokenType.Rfid }, IdentificationMethod.Rfid, EvseId, null, null, "u2", CancellationToken.None);
        var notPartner = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "NL-TNM-CAB123456", Type = TokenType.Emaid }, IdentificationMethod.PlugAndCharge, EvseId, null, null, "u3", CancellationToken.None);
        var malformed = await Assert.ThrowsAsync<RoamingException>(async () => await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "04A1B2CZ", Type = TokenType.Rfid }, IdentificationMethod.Rfid, EvseId, null, null, "u4", CancellationToken.None));

        Assert.Equal((AuthorizationStatus.NotAllowed, AuthorizationMethod.Online, "DE-8EO", string.Empty), (unknownAtCsp.Status, unknownAtCsp.Method, unknownAtCsp.ProviderId, unknownAtCsp.AuthorizationReference));
        Assert.Equal((AuthorizationStatus.NotAllowed, string.Empty), (noCsp.Status, noCsp.ProviderId));
        Assert.Equal((AuthorizationStatus.NotAllowed, string.Empty), (notPartner.Status, notPartner.ProviderId));
        Assert.Equal((ErrorKind.InvalidArgument, "token.uid"), (malformed.Kind, malformed.Field?.Field));
    }

    [Fact]
    public async Task AuthorizeAsync_WhitelistAlways_DecidedFromTheListWithoutCallingTheCsp()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("0A0A0A0A", WhitelistType.Always));
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 1, "the token is held");
        var authorizer = endpoints.Cso.Services.GetRequiredService<TokenAuthorizer>();

        var decision = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "0A0A0A0A", Type = TokenType.Rfid }, IdentificationMethod.Rfid, EvseId, null, null, "always-1", CancellationToken.None);

        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.OfflineList, "DE-8EO", string.Empty), (decision.Status, decision.Method, decision.ProviderId, decision.AuthorizationReference));
        Assert.Equal("0A0A0A0A", decision.Token!.Uid);
        Assert.DoesNotContain("always-1", DatabaseSnapshot.Requests(endpoints.Csp.Database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizeAsync_CspStopped_FallsBackToTheOfflineListByWhitelist()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await IssueAsync(endpoints, Rfid("0A0A0A0A", WhitelistType.AllowedOffline));
        await IssueAsync(endpoints, Rfid("0B0B0B0B", WhitelistType.Never));
        await IssueAsync(endpoints, Rfid("0C0C0C0C", WhitelistType.Allowed, valid: false));
        var expiring = Rfid("0D0D0D0D", WhitelistType.Allowed);
        expiring.ExpireTime = Ago(TimeSpan.FromMinutes(1));
        await IssueAsync(endpoints, expiring);
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 4, "every token is held");
        await endpoints.Csp.DisposeAsync();
        var authorizer = endpoints.Cso.Services.GetRequiredService<TokenAuthorizer>();

        var decisions = new List<(string Uid, AuthorizationStatus Status, AuthorizationMethod Method, string Provider)>();
        foreach (var uid in new[] { "0A0A0A0A", "0B0B0B0B", "0C0C0C0C", "0D0D0D0D", "0E0E0E0E" })
        {
            var decision = await authorizer.AuthorizeAsync(
                new TokenRef { Uid = uid, Type = TokenType.Rfid, ProviderId = "DE-8EO" }, IdentificationMethod.Rfid, EvseId, null, null, "offline-" + uid, CancellationToken.None);
            decisions.Add((uid, decision.Status, decision.Method, decision.ProviderId));
            Assert.Empty(decision.AuthorizationReference);
        }

        Assert.Equal(
            [
                ("0A0A0A0A", AuthorizationStatus.Allowed, AuthorizationMethod.OfflineList, "DE-8EO"),
                ("0B0B0B0B", AuthorizationStatus.NotAllowed, AuthorizationMethod.OfflineList, "DE-8EO"),
                ("0C0C0C0C", AuthorizationStatus.Blocked, AuthorizationMethod.OfflineList, "DE-8EO"),
                ("0D0D0D0D", AuthorizationStatus.Expired, AuthorizationMethod.OfflineList, "DE-8EO"),
                ("0E0E0E0E", AuthorizationStatus.NotAllowed, AuthorizationMethod.OfflineList, "DE-8EO"),
            ],
            decisions);
        Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains("Home-CSP DE-8EO did not answer an authorization request (Unavailable", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthorizeAsync_CspStoppedAndHashedList_FindsTheTokenByItsHash()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync(extra: new Dictionary<string, string?> { ["Roaming:Authorization:HashTokenLists"] = "true" });
        await endpoints.StartCsoAsync(endpoints.Csp.Url, new Dictionary<string, string?> { ["Roaming:Authorization:Timeout"] = "00:00:01" });
        var cspDirectory = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => cspDirectory.IsRegistered(TwoEndpoints.CsoIdentity), Deadline, "the CSO registered with the CSP");
        await IssueAsync(endpoints, Rfid("0A0A0A0A", WhitelistType.AllowedOffline));
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 1 && tokens[0].UidHash.Length == 64, "the hashed token is held");
        await endpoints.Csp.DisposeAsync();
        var authorizer = endpoints.Cso.Services.GetRequiredService<TokenAuthorizer>();

        var decision = await authorizer.AuthorizeAsync(
            new TokenRef { Uid = "0a:0a:0a:0a", Type = TokenType.Rfid }, IdentificationMethod.Rfid, EvseId, null, null, "hashed-1", CancellationToken.None);

        Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.OfflineList, "DE-8EO"), (decision.Status, decision.Method, decision.ProviderId));
        Assert.Equal(("0A0A0A0A", string.Empty), (decision.Token!.Uid, decision.Token.UidHash));
    }

    [Fact]
    public async Task AuthorizeAsync_CspSilent_DeadlineExceededAfterTheTimeoutThenOfflineList()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var port = TwoEndpoints.FreePort();
        await endpoints.StartCspAsync($"127.0.0.1:{port}");
        await endpoints.StartCsoAsync(endpoints.Csp.Url, new Dictionary<string, string?> { ["Roaming:Authorization:Timeout"] = "00:00:01" });
        var cspDirectory = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => cspDirectory.IsRegistered(TwoEndpoints.CsoIdentity), Deadline, "the CSO registered with the CSP");
        await IssueAsync(endpoints, Rfid("0A0A0A0A", WhitelistType.AllowedOffline));
        await WaitForCsoListAsync(endpoints, tokens => tokens.Count == 1, "the token is held");
        await endpoints.Csp.DisposeAsync();

        // The CSP's port accepts connections and never answers: the TLS handshake hangs until the deadline.
        var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
        silent.Start();
        var accepted = new List<System.Net.Sockets.TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                accepted.Add(await silent.AcceptTcpClientAsync());
            }
        });
        try
        {
            var authorizer = endpoints.Cso.Services.GetRequiredService<TokenAuthorizer>();

            // A first call may still meet the stopped CSP's closing connection (a fast UNAVAILABLE); the measured one
            // goes to the silent listener.
            var first = await authorizer.AuthorizeAsync(
                new TokenRef { Uid = "0A0A0A0A", Type = TokenType.Rfid }, IdentificationMethod.Rfid, EvseId, null, null, "silent-0", CancellationToken.None);
            Assert.Equal(AuthorizationMethod.OfflineList, first.Method);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var decision = await authorizer.AuthorizeAsync(
                new TokenRef { Uid = "0A0A0A0A", Type = TokenType.Rfid }, IdentificationMethod.Rfid, EvseId, null, null, "silent-1", CancellationToken.None);
            clock.Stop();

            Assert.Equal((AuthorizationStatus.Allowed, AuthorizationMethod.OfflineList), (decision.Status, decision.Method));
            Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
            Assert.Contains(endpoints.Cso.Log.Lines, line => line.Contains("did not answer an authorization request (DeadlineExceeded", StringComparison.Ordinal));
        }
        finally
        {
            silent.Stop();
            await Assert.ThrowsAnyAsync<Exception>(() => accepting);
            accepted.ForEach(client => client.Dispose());
        }
    }
}
