using System.CommandLine;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Commands;

/// <summary>
/// <c>roaming backoffice load</c>: loads a JSON file of sites (and, once UC2-1 is live, tariffs) into a running
/// CSO endpoint through its back-office API. The file holds <c>"sites"</c> and <c>"tariffs"</c> arrays in the
/// contract's JSON mapping (see <c>src/RoamingGrpc.Cli/examples/sites.json</c>).
/// <c>roaming backoffice unlocks</c>: prints the CSO's audit log of emergency unlock requests (UC5-2, UC5-3).
/// </summary>
internal static class BackofficeCommands
{
    public static Command Create()
    {
        var endpointOption = new Option<string>("--endpoint") { Description = "URL of your CSO endpoint, e.g. https://localhost:7443.", Required = true };
        var certOption = new Option<DirectoryInfo>("--cert") { Description = "Directory with your backoffice certificate.", Required = true };
        var fileOption = new Option<FileInfo>("--file") { Description = "JSON file with \"sites\" (and \"tariffs\") arrays.", Required = true };
        var load = new Command("load", "Upsert the sites (and tariffs) of a JSON file into your CSO endpoint.") { endpointOption, certOption, fileOption };
        load.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!Endpoint.Hosting.EndpointSettings.TryParseHttpsUrl(parse.GetRequiredValue(endpointOption), out var url))
            {
                await error.WriteLineAsync("--endpoint must be an https URL such as https://localhost:7443.").ConfigureAwait(false);
                return 2;
            }

            IReadOnlyList<Site> sites;
            IReadOnlyList<Tariff> tariffs;
            var file = parse.GetRequiredValue(fileOption);
            try
            {
                var records = BackofficeFile.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken).ConfigureAwait(false));
                (sites, tariffs) = (records.Sites, records.Tariffs);
            }
            catch (Exception ex) when (ex is BackofficeFileException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"{file.FullName}: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
            using var connection = BackofficeConnection.Open(url, parse.GetRequiredValue(certOption).FullName, loggerFactory);
            var client = new CsoBackofficeService.CsoBackofficeServiceClient(connection.Channel);
            var failures = 0;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            foreach (var site in sites)
            {
                failures += await RunAsync(error, $"site {site.SiteId}", async () =>
                {
                    var stored = await client.UpsertSiteAsync(new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site }, cancellationToken: cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync($"site {stored.Site.SiteId}: version {stored.Site.Version}, {stored.Site.Evses.Count} EVSE(s)").ConfigureAwait(false);
                }).ConfigureAwait(false);
            }

            foreach (var tariff in tariffs)
            {
                failures += await RunAsync(error, $"tariff {tariff.TariffId}", async () =>
                {
                    var stored = await client.UpsertTariffAsync(new UpsertTariffRequest { RequestId = Guid.NewGuid().ToString(), Tariff = tariff }, cancellationToken: cancellationToken).ConfigureAwait(false);
                    await output.WriteLineAsync($"tariff {stored.Tariff.TariffId}: version {stored.Tariff.Version}").ConfigureAwait(false);
                }).ConfigureAwait(false);
            }

            var total = sites.Count + tariffs.Count;
            await output.WriteLineAsync($"{total - failures} of {total} loaded in {watch.Elapsed.TotalSeconds:0.0} s ({total / Math.Max(watch.Elapsed.TotalSeconds, 0.001):0} records/s).").ConfigureAwait(false);
            return failures == 0 ? 0 : 1;
        });
        return new Command("backoffice", "Feed your own endpoint through its back-office API.") { load, Unlocks(endpointOption, certOption) };
    }

    private static Command Unlocks(Option<string> endpointOption, Option<DirectoryInfo> certOption)
    {
        var providerOption = new Option<string>("--provider") { Description = "Only requests of this home-CSP, e.g. DE-8EO." };
        var evseOption = new Option<string>("--evse") { Description = "Only requests for this EVSE, e.g. DE*ABC*E1*1." };
        var limitOption = new Option<int>("--limit") { Description = "Most entries to print, newest first.", DefaultValueFactory = _ => 50 };
        var unlocks = new Command("unlocks", "Print the audit log of emergency unlock requests (UC5-2, UC5-3) of your CSO endpoint, newest first.")
        {
            endpointOption, certOption, providerOption, evseOption, limitOption,
        };
        unlocks.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!Endpoint.Hosting.EndpointSettings.TryParseHttpsUrl(parse.GetRequiredValue(endpointOption), out var url))
            {
                await error.WriteLineAsync("--endpoint must be an https URL such as https://localhost:7443.").ConfigureAwait(false);
                return 2;
            }

            using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
            using var connection = BackofficeConnection.Open(url, parse.GetRequiredValue(certOption).FullName, loggerFactory);
            var client = new CsoBackofficeService.CsoBackofficeServiceClient(connection.Channel);
            var request = new ListUnlockRequestsRequest
            {
                PageSize = Math.Clamp(parse.GetValue(limitOption), 1, 1000),
                ProviderId = parse.GetValue(providerOption) ?? string.Empty,
                EvseId = parse.GetValue(evseOption) ?? string.Empty,
            };
            return await RunAsync(error, "unlocks", async () =>
            {
                var page = await client.ListUnlockRequestsAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
                foreach (var entry in page.UnlockRequests)
                {
                    await output.WriteLineAsync(Describe(entry)).ConfigureAwait(false);
                }

                await output.WriteLineAsync($"{page.UnlockRequests.Count} request(s){(page.NextPageToken.Length > 0 ? ", more are older" : string.Empty)}.").ConfigureAwait(false);
            }).ConfigureAwait(false) == 0 ? 0 : 1;
        });
        return unlocks;
    }

    private static string Describe(UnlockRequestRecord entry)
    {
        var what = entry.SessionId.Length > 0 ? $"session {entry.SessionId}"
            : entry.FailedCommandId.Length > 0 ? $"failed command {entry.FailedCommandId}"
            : $"authorization {entry.AuthorizationReference}";
        var outcome = entry.RefusalCode.Length > 0 ? $"refused {entry.RefusalCode}/{entry.RefusalReason}"
            : entry.Result == CommandResultType.Unspecified ? $"command {entry.CommandId}, waiting for the station"
            : $"command {entry.CommandId}, {Endpoint.Mapping.ProtoEnumNames.Of(entry.Result)} at {entry.ResultTime.ToDateTimeOffset():u}";
        return $"{entry.RequestTime.ToDateTimeOffset():u} {entry.ProviderId} request {entry.RequestId}: {entry.EvseId} connector {(entry.ConnectorId.Length > 0 ? entry.ConnectorId : "-")}, {what}, \"{entry.Reason}\": {outcome}";
    }

    private static async Task<int> RunAsync(TextWriter error, string what, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
            return 0;
        }
        catch (RpcException ex)
        {
            await error.WriteLineAsync($"{what}: {ex.StatusCode} {ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason} {ex.Status.Detail}").ConfigureAwait(false);
            return 1;
        }
    }
}
