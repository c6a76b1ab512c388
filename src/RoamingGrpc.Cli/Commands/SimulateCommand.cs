using System.CommandLine;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Cli.Simulator;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Commands;

/// <summary><c>roaming simulate</c>: the station simulator against a running CSO endpoint's back office.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var endpointOption = new Option<string>("--endpoint") { Description = "URL of your CSO endpoint, e.g. https://localhost:7443.", Required = true };
        var certOption = new Option<DirectoryInfo>("--cert") { Description = "Directory with the CSO's backoffice certificate.", Required = true };
        var sitesOption = new Option<int>("--sites") { Description = "Sites to publish.", DefaultValueFactory = _ => 10 };
        var evsesOption = new Option<int>("--evses") { Description = "EVSEs per site.", DefaultValueFactory = _ => 4 };
        var changesOption = new Option<long>("--changes") { Description = "Status changes to report.", DefaultValueFactory = _ => 1000 };
        var rateOption = new Option<int>("--rate") { Description = "Status changes per second (0 = as fast as the endpoint takes them).", DefaultValueFactory = _ => 100 };
        var batchOption = new Option<int>("--batch") { Description = "Status changes per ReportEvseStatus call (1..1000).", DefaultValueFactory = _ => 100 };
        var commandsOption = new Option<bool>("--execute-commands")
        {
            Description = "Afterwards, keep executing partners' remote start and stop commands (each started session charges 20 kWh) until Ctrl+C.",
        };
        var command = new Command("simulate", "Station simulator: publish generated sites, then report EVSE status changes at a rate.")
        {
            endpointOption, certOption, sitesOption, evsesOption, changesOption, rateOption, batchOption, commandsOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var batch = parse.GetValue(batchOption);
            if (!Endpoint.Hosting.EndpointSettings.TryParseHttpsUrl(parse.GetRequiredValue(endpointOption), out var url)
                || parse.GetValue(sitesOption) < 1 || parse.GetValue(evsesOption) < 1 || batch is < 1 or > 1000 || parse.GetValue(rateOption) < 0)
            {
                await error.WriteLineAsync("--endpoint must be an https URL; --sites and --evses at least 1; --batch 1..1000; --rate not negative.").ConfigureAwait(false);
                return 2;
            }

            using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
            using var connection = BackofficeConnection.Open(url, parse.GetRequiredValue(certOption).FullName, loggerFactory);
            var simulator = new StationSimulator(new CsoBackofficeService.CsoBackofficeServiceClient(connection.Channel), connection.Endpoint.PartyId, parse.InvocationConfiguration.Output);
            try
            {
                var evses = await simulator.PublishSitesAsync(parse.GetValue(sitesOption), parse.GetValue(evsesOption), cancellationToken).ConfigureAwait(false);
                await simulator.RunStatusAsync(evses, parse.GetValue(changesOption), parse.GetValue(rateOption), batch, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(commandsOption))
                {
                    await parse.InvocationConfiguration.Output.WriteLineAsync("executing partners' commands (Ctrl+C stops)").ConfigureAwait(false);
                    using var agent = new StationAgent(new CsoBackofficeService.CsoBackofficeServiceClient(connection.Channel), parse.InvocationConfiguration.Output, autoChargeKwh: 20);
                    await agent.RunAsync(cancellationToken).ConfigureAwait(false);
                }

                return 0;
            }
            catch (RpcException ex)
            {
                await error.WriteLineAsync($"{ex.StatusCode}: {ex.Status.Detail}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
