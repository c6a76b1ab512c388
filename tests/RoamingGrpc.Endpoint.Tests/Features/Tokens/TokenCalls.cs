using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Tokens;

namespace RoamingGrpc.Endpoint.Tests.Features.Tokens;

/// <summary>Tokens of provider DE-8EO and the clients the token tests use, each over real mutual TLS.</summary>
public static class TokenCalls
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>The canonical contract id DE-8EO-C{instance}-{check}.</summary>
    public static string Contract(string instance = "AB123456") => ContractId.Parse($"DE-8EO-C{instance}").ToString();

    public static Token Rfid(string uid, WhitelistType whitelist = WhitelistType.AllowedOffline, bool valid = true) => new()
    {
        Type = TokenType.Rfid,
        Uid = uid,
        ContractId = Contract(),
        Whitelist = whitelist,
        Valid = valid,
        VisualNumber = "DE8EO-0001",
        Issuer = "Test Provider",
        Language = "de",
    };

    public static Token Emaid(string instance, WhitelistType whitelist = WhitelistType.AllowedOffline) => new()
    {
        Type = TokenType.Emaid,
        Uid = Contract(instance),
        ContractId = Contract(instance),
        Whitelist = whitelist,
        Valid = true,
    };

    public static DateTime Soon() => DateTime.UtcNow.Add(Deadline);

    public static CspBackofficeService.CspBackofficeServiceClient Backoffice(TwoEndpoints endpoints) =>
        new(endpoints.Channel(BackofficeCertificates(endpoints), PartyIdentity.Create(PartyRole.Backoffice, "DE-8EO"), endpoints.Csp));

    /// <summary>A backoffice certificate of DE-8EO (issued once per test directory).</summary>
    public static string BackofficeCertificates(TwoEndpoints endpoints)
    {
        var directory = Path.Combine(endpoints.Root, "csp-backoffice");
        return Directory.Exists(directory) ? directory : endpoints.Pki.Issue("csp-backoffice", PartyRole.Backoffice, "DE-8EO");
    }

    /// <summary>The CSO calling the CSP's AuthorizationService.</summary>
    public static AuthorizationService.AuthorizationServiceClient AuthorizationClient(TwoEndpoints endpoints) =>
        new(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));

    /// <summary>The CSP calling the CSO's TokenUpdateService.</summary>
    public static TokenUpdateService.TokenUpdateServiceClient TokenUpdates(TwoEndpoints endpoints) =>
        new(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));

    public static async Task<Token> IssueAsync(TwoEndpoints endpoints, Token token) =>
        (await Backoffice(endpoints).IssueTokenAsync(new IssueTokenRequest { RequestId = Guid.NewGuid().ToString(), Token = token }, deadline: Soon())).Token;

    public static Timestamp Ago(TimeSpan span) => Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow - span);

    public static string? ReasonOf(RpcException error) => error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    public static string? Metadata(RpcException error, string key) =>
        error.GetRpcStatus()?.GetDetail<ErrorInfo>() is { } info && info.Metadata.TryGetValue(key, out var value) ? value : null;

    /// <summary>The CSO's list of DE-8EO: version and tokens.</summary>
    public static async Task<(long Version, IReadOnlyList<Token> Tokens)> CsoListAsync(RunningEndpoint cso)
    {
        var lists = cso.Services.GetRequiredService<IPartnerTokenLists>();
        var version = (await lists.ListsAsync(CancellationToken.None)).SingleOrDefault(list => list.Csp == "DE-8EO")?.Version ?? 0;
        var tokens = await lists.TokensAsync("DE-8EO", CancellationToken.None);
        return (version, [.. tokens.Select(row => Token.Parser.ParseFrom(row.Payload))]);
    }

    /// <summary>Waits until the CSO holds DE-8EO's list at the CSP's current version and it satisfies <paramref name="done"/>.</summary>
    public static async Task<IReadOnlyList<Token>> WaitForCsoListAsync(TwoEndpoints endpoints, Func<IReadOnlyList<Token>, bool> done, string what)
    {
        var cspVersion = await endpoints.Csp.Services.GetRequiredService<ITokenRepository>().VersionAsync(CancellationToken.None);
        IReadOnlyList<Token> tokens = [];
        // Microsoft.Data.Sqlite reads synchronously: waiting on the read inside the condition blocks nothing.
        await TwoEndpoints.WaitUntilAsync(
            () =>
            {
                var (version, held) = CsoListAsync(endpoints.Cso).GetAwaiter().GetResult();
                tokens = held;
                return version == cspVersion && done(held);
            },
            Deadline,
            $"the CSO holds DE-8EO's token list version {cspVersion} where {what}");
        return tokens;
    }

    /// <summary>Waits until <paramref name="endpoint"/> logged a line containing <paramref name="text"/> after its first <paramref name="skip"/> lines.</summary>
    public static Task WaitForLogAsync(RunningEndpoint endpoint, string text, int skip = 0) =>
        TwoEndpoints.WaitUntilAsync(
            () => endpoint.Log.Lines.Skip(skip).Any(line => line.Contains(text, StringComparison.Ordinal)),
            Deadline,
            $"{endpoint.Identity} logged \"{text}\"");
}
