using System.CommandLine;
using RoamingGrpc.Cli;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using static RoamingGrpc.Endpoint.Tests.Features.Tokens.TokenCalls;

namespace RoamingGrpc.Endpoint.Tests.Features.Tokens;

/// <summary><c>roaming token ...</c> run in-process through the real parser against a running CSP endpoint.</summary>
public sealed class TokenCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TokenIssueThenBlockAndList_BackofficeCertificate_StoredAndPrinted()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var connection = new[] { "--endpoint", endpoints.Csp.Url.ToString(), "--cert", BackofficeCertificates(endpoints) };

        var (issueCode, issued, issueError) = await RunAsync(
            ["token", "issue", .. connection, "--type", "rfid", "--uid", "04:a1:b2:c3", "--contract-id", "de8eocab123456", "--whitelist", "allowed-offline", "--visual-number", "DE8EO-0001", "--request-id", "cli-1"]);
        var (blockCode, blocked, _) = await RunAsync(["token", "block", .. connection, "--type", "rfid", "--uid", "04A1B2C3", "--reason", "lost"]);
        var (listCode, listed, _) = await RunAsync(["token", "list", .. connection]);
        var stored = await Backoffice(endpoints).ListIssuedTokensAsync(new ListIssuedTokensRequest(), deadline: Soon());

        Assert.Equal((0, string.Empty), (issueCode, issueError));
        Assert.StartsWith($"issued rfid 04A1B2C3  contract {Contract()}  valid  whitelist allowed-offline", issued, StringComparison.Ordinal);
        Assert.Equal(0, blockCode);
        Assert.StartsWith("blocked rfid 04A1B2C3", blocked, StringComparison.Ordinal);
        Assert.Contains("BLOCKED", blocked, StringComparison.Ordinal);
        Assert.Equal(0, listCode);
        Assert.EndsWith("1 token(s)." + Environment.NewLine, listed, StringComparison.Ordinal);
        var token = Assert.Single(stored.Tokens);
        Assert.Equal(("04A1B2C3", "DE8EO-0001", false), (token.Uid, token.VisualNumber, token.Valid));
    }

    [Fact]
    public async Task TokenIssue_RefusedOrWrongCertificate_NonZeroExitWithTheReason()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var args = new[] { "--type", "rfid", "--uid", "04A1B2CZ", "--contract-id", "DE-8EO-CAB123456", "--whitelist", "never" };

        var (refusedCode, _, refused) = await RunAsync(["token", "issue", "--endpoint", endpoints.Csp.Url.ToString(), "--cert", BackofficeCertificates(endpoints), .. args]);
        var (partnerCode, _, partner) = await RunAsync(["token", "issue", "--endpoint", endpoints.Csp.Url.ToString(), "--cert", endpoints.CspCertificates, .. args]);

        Assert.Equal(1, refusedCode);
        Assert.Contains("InvalidArgument INVALID_FIELD: token.uid", refused, StringComparison.Ordinal);
        Assert.Equal(2, partnerCode);
        Assert.Contains("backoffice certificate", partner, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoamingCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
