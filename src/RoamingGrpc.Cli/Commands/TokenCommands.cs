using System.CommandLine;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Commands;

/// <summary>
/// <c>roaming token issue|update|block|list</c>: token administration on your CSP endpoint through its back-office
/// API (CspBackofficeService), with a backoffice certificate. Changes reach your CSO partners' offline lists (UC4-2)
/// by themselves.
/// </summary>
internal static class TokenCommands
{
    private static readonly Dictionary<string, TokenType> Types = new(StringComparer.Ordinal)
    {
        ["rfid"] = TokenType.Rfid,
        ["app-user"] = TokenType.AppUser,
        ["emaid"] = TokenType.Emaid,
        ["ad-hoc"] = TokenType.AdHoc,
    };

    private static readonly Dictionary<string, WhitelistType> Whitelists = new(StringComparer.Ordinal)
    {
        ["always"] = WhitelistType.Always,
        ["allowed"] = WhitelistType.Allowed,
        ["allowed-offline"] = WhitelistType.AllowedOffline,
        ["never"] = WhitelistType.Never,
    };

    public static Command Create()
    {
        var endpointOption = new Option<string>("--endpoint") { Description = "URL of your CSP endpoint, e.g. https://localhost:7443.", Required = true };
        var certOption = new Option<DirectoryInfo>("--cert") { Description = "Directory with your backoffice certificate (cert.pem, key.pem, ca.pem).", Required = true };
        var requestIdOption = new Option<string>("--request-id") { Description = "Idempotency key; repeat it to retry safely (default: a new UUID)." };
        var typeOption = new Option<string>("--type") { Description = "Token type: rfid, app-user, emaid or ad-hoc.", Required = true };
        typeOption.AcceptOnlyFromAmong([.. Types.Keys]);
        var uidOption = new Option<string>("--uid") { Description = "Token uid: RFID card UID in hex (separators allowed), EMAID, or app/ad hoc id.", Required = true };
        var contractOption = new Option<string>("--contract-id") { Description = "Contract id (EMAID) the token is billed under, e.g. DE-8EO-CAB123456.", Required = true };
        var whitelistOption = new Option<string>("--whitelist") { Description = "Offline policy: always, allowed, allowed-offline or never.", Required = true };
        whitelistOption.AcceptOnlyFromAmong([.. Whitelists.Keys]);
        var visualOption = new Option<string>("--visual-number") { Description = "Number printed on the card." };
        var issuerOption = new Option<string>("--issuer") { Description = "Company that issued the token." };
        var groupOption = new Option<string>("--group-id") { Description = "Group of tokens that belong together." };
        var languageOption = new Option<string>("--language") { Description = "Preferred display language (ISO 639-1), e.g. de." };
        var expireOption = new Option<DateTimeOffset?>("--expire") { Description = "When the token stops being valid, e.g. 2030-12-31T23:59:59Z (default: never)." };
        var blockedOption = new Option<bool>("--blocked") { Description = "The token must not charge (valid = false)." };

        var issue = new Command("issue", "Issue a new token.")
        {
            endpointOption, certOption, requestIdOption, typeOption, uidOption, contractOption, whitelistOption,
            visualOption, issuerOption, groupOption, languageOption, expireOption, blockedOption,
        };
        issue.SetAction((parse, cancellationToken) => RunAsync(parse, endpointOption, certOption, async (client, output) =>
        {
            var response = await client.IssueTokenAsync(
                new IssueTokenRequest { RequestId = RequestId(parse, requestIdOption), Token = TokenFrom(parse) },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync("issued " + Describe(response.Token)).ConfigureAwait(false);
        }));

        var update = new Command("update", "Replace every mutable field of an existing token (options left out are cleared).")
        {
            endpointOption, certOption, requestIdOption, typeOption, uidOption, contractOption, whitelistOption,
            visualOption, issuerOption, groupOption, languageOption, expireOption, blockedOption,
        };
        update.SetAction((parse, cancellationToken) => RunAsync(parse, endpointOption, certOption, async (client, output) =>
        {
            var response = await client.UpdateTokenAsync(
                new UpdateTokenRequest { RequestId = RequestId(parse, requestIdOption), Token = TokenFrom(parse) },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync("updated " + Describe(response.Token)).ConfigureAwait(false);
        }));

        var reasonOption = new Option<string>("--reason") { Description = "Why, for the audit log." };
        var block = new Command("block", "Block a token at once (valid = false); CSO partners refuse it from then on.")
        {
            endpointOption, certOption, requestIdOption, typeOption, uidOption, reasonOption,
        };
        block.SetAction((parse, cancellationToken) => RunAsync(parse, endpointOption, certOption, async (client, output) =>
        {
            var response = await client.BlockTokenAsync(
                new BlockTokenRequest
                {
                    RequestId = RequestId(parse, requestIdOption),
                    Type = Types[parse.GetRequiredValue(typeOption)],
                    Uid = parse.GetRequiredValue(uidOption),
                    Reason = parse.GetValue(reasonOption) ?? string.Empty,
                },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync("blocked " + Describe(response.Token)).ConfigureAwait(false);
        }));

        var sinceOption = new Option<DateTimeOffset?>("--updated-since") { Description = "Only tokens changed at or after this time, e.g. 2030-01-01T00:00:00Z." };
        var list = new Command("list", "List the tokens you issued, in the order they changed.") { endpointOption, certOption, sinceOption };
        list.SetAction((parse, cancellationToken) => RunAsync(parse, endpointOption, certOption, async (client, output) =>
        {
            var request = new ListIssuedTokensRequest { PageSize = 1000 };
            if (parse.GetValue(sinceOption) is { } since)
            {
                request.UpdatedSince = Timestamp.FromDateTimeOffset(since);
            }

            var count = 0;
            do
            {
                var page = await client.ListIssuedTokensAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var token in page.Tokens)
                {
                    await output.WriteLineAsync(Describe(token)).ConfigureAwait(false);
                }

                count += page.Tokens.Count;
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            await output.WriteLineAsync($"{count} token(s).").ConfigureAwait(false);
        }));

        return new Command("token", "Token administration (UC4-1, UC4-2) through your CSP endpoint's back office.") { issue, update, block, list };

        Token TokenFrom(ParseResult parse)
        {
            var token = new Token
            {
                Type = Types[parse.GetRequiredValue(typeOption)],
                Uid = parse.GetRequiredValue(uidOption),
                ContractId = parse.GetRequiredValue(contractOption),
                Whitelist = Whitelists[parse.GetRequiredValue(whitelistOption)],
                VisualNumber = parse.GetValue(visualOption) ?? string.Empty,
                Issuer = parse.GetValue(issuerOption) ?? string.Empty,
                GroupId = parse.GetValue(groupOption) ?? string.Empty,
                Language = parse.GetValue(languageOption) ?? string.Empty,
                Valid = !parse.GetValue(blockedOption),
            };
            if (parse.GetValue(expireOption) is { } expire)
            {
                token.ExpireTime = Timestamp.FromDateTimeOffset(expire);
            }

            return token;
        }
    }

    private static string RequestId(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) is { Length: > 0 } requestId ? requestId : Guid.NewGuid().ToString();

    private static string Describe(Token token) =>
        string.Join(
            "  ",
            $"{Name(token.Type)} {token.Uid}",
            $"contract {token.ContractId}",
            token.Valid ? "valid" : "BLOCKED",
            $"whitelist {Name(token.Whitelist)}",
            $"expires {token.ExpireTime?.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture) ?? "never"}",
            $"updated {token.UpdateTime?.ToDateTimeOffset().ToString("u", CultureInfo.InvariantCulture) ?? "-"}");

    private static string Name(TokenType type) => Types.First(pair => pair.Value == type).Key;

    private static string Name(WhitelistType whitelist) =>
        Whitelists.FirstOrDefault(pair => pair.Value == whitelist).Key ?? "unspecified";

    private static async Task<int> RunAsync(
        ParseResult parse,
        Option<string> endpointOption,
        Option<DirectoryInfo> certOption,
        Func<CspBackofficeService.CspBackofficeServiceClient, TextWriter, Task> action)
    {
        var error = parse.InvocationConfiguration.Error;
        if (!Endpoint.Hosting.EndpointSettings.TryParseHttpsUrl(parse.GetRequiredValue(endpointOption), out var endpointUrl))
        {
            await error.WriteLineAsync("--endpoint must be an https URL such as https://localhost:7443.").ConfigureAwait(false);
            return 2;
        }

        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        try
        {
            using var connection = BackofficeConnection.Open(endpointUrl, parse.GetRequiredValue(certOption).FullName, loggerFactory);
            if (connection.Endpoint.Role != Domain.Parties.PartyRole.Csp)
            {
                await error.WriteLineAsync($"Token commands run against a CSP endpoint; the certificate in --cert belongs to {connection.Endpoint}.").ConfigureAwait(false);
                return 2;
            }

            await action(new CspBackofficeService.CspBackofficeServiceClient(connection.Channel), parse.InvocationConfiguration.Output).ConfigureAwait(false);
            return 0;
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"{ex.StatusCode} {ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason}: {ex.Status.Detail}").ConfigureAwait(false);
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
