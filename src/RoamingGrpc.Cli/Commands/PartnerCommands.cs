using System.CommandLine;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Commands;

/// <summary><c>roaming partner list|handshake</c>: partner administration through the endpoint's back-office API.</summary>
internal static class PartnerCommands
{
    public static Command Create()
    {
        var endpointOption = new Option<string>("--endpoint") { Description = "URL of your own endpoint, e.g. https://localhost:7443.", Required = true };
        var certOption = new Option<DirectoryInfo>("--cert") { Description = "Directory with your backoffice certificate (cert.pem, key.pem, ca.pem).", Required = true };
        var partyOption = new Option<string>("--party") { Description = "Only this partner (default: every partner with a known URL)." };

        var list = new Command("list", "List the partner registry of your endpoint.") { endpointOption, certOption };
        list.SetAction((parse, cancellationToken) => RunAsync(parse, endpointOption, certOption, async (client, output) =>
        {
            var response = await client.ListPartnersAsync(new ListPartnersRequest { PageSize = 1000 }, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var partner in response.Partners)
            {
                await output.WriteLineAsync(
                    $"{partner.Role.ToString().ToLowerInvariant()}:{partner.PartyId}  {partner.Status}  {(partner.EndpointUrl.Length == 0 ? "(url unknown)" : partner.EndpointUrl)}  "
                    + $"in: {Time(partner.InboundHandshakeTime)}  out: {Time(partner.OutboundHandshakeTime)}  {Describe(partner.Reachability)}").ConfigureAwait(false);
            }

            return 0;
        }));

        var handshake = new Command("handshake", "Perform the UC1-1 handshake with your partners now.") { endpointOption, certOption, partyOption };
        handshake.SetAction((parse, cancellationToken) => RunAsync(parse, endpointOption, certOption, async (client, output) =>
        {
            var response = await client.RunHandshakeAsync(
                new RunHandshakeRequest { RequestId = Guid.NewGuid().ToString(), PartyId = parse.GetValue(partyOption) ?? string.Empty },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var result in response.Results)
            {
                await output.WriteLineAsync(result.Success
                    ? $"{result.PartyId}: registered ({result.Partner.EndpointUrl})"
                    : $"{result.PartyId}: {result.ErrorCode} {result.ErrorReason} {result.ErrorMessage}").ConfigureAwait(false);
            }

            return response.Results.All(result => result.Success) ? 0 : 1;
        }));

        return new Command("partner", "Partner administration (UC1-1) through your endpoint's back office.") { list, handshake };
    }

    /// <summary>
    /// How this endpoint's calls to the partner fare, in one column: <c>reachable (last success ...)</c>,
    /// <c>FAILING: 3 failures in a row since ..., last attempt ..., next ...: UNAVAILABLE detail</c>, or the same with
    /// <c>UNREACHABLE</c> (automatic calls stopped; next = the probe).
    /// </summary>
    private static string Describe(PartnerReachability? reachability) => reachability?.State switch
    {
        null or ReachabilityState.Unspecified or ReachabilityState.Unknown => "not called since start",
        ReachabilityState.Reachable => $"reachable (last success {Time(reachability.LastSuccessTime)})",
        _ => $"{(reachability.State == ReachabilityState.Unreachable ? "UNREACHABLE" : "FAILING")}: {reachability.ConsecutiveFailures} failure(s) in a row "
            + $"since {Time(reachability.FailingSinceTime)}, last attempt {Time(reachability.LastAttemptTime)}, last success {Time(reachability.LastSuccessTime)}, "
            + $"next {(reachability.State == ReachabilityState.Unreachable ? "probe" : "attempt")} {Time(reachability.NextAttemptTime)}: "
            + $"{reachability.LastErrorCode} {reachability.LastErrorMessage}",
    };

    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp? time) =>
        time?.ToDateTimeOffset().ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    private static async Task<int> RunAsync(
        ParseResult parse,
        Option<string> endpointOption,
        Option<DirectoryInfo> certOption,
        Func<PartnerBackofficeService.PartnerBackofficeServiceClient, TextWriter, Task<int>> action)
    {
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        if (!Endpoint.Hosting.EndpointSettings.TryParseHttpsUrl(parse.GetRequiredValue(endpointOption), out var endpointUrl))
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync("--endpoint must be an https URL such as https://localhost:7443.").ConfigureAwait(false);
            return 2;
        }

        try
        {
            using var connection = BackofficeConnection.Open(endpointUrl, parse.GetRequiredValue(certOption).FullName, loggerFactory);
            return await action(new PartnerBackofficeService.PartnerBackofficeServiceClient(connection.Channel), parse.InvocationConfiguration.Output).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"{ex.StatusCode}: {ex.Status.Detail}").ConfigureAwait(false);
            return 1;
        }
        catch (InvalidOperationException ex)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
