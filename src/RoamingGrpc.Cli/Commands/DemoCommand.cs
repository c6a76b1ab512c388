using System.CommandLine;
using RoamingGrpc.Cli.Demo;

namespace RoamingGrpc.Cli.Commands;

/// <summary><c>roaming demo</c>: a CSO and a CSP endpoint on loopback running the roaming scenarios.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var keepRunning = new Option<bool>("--keep-running") { Description = "Leave both endpoints running and print how to reach them (Ctrl+C stops)." };
        var command = new Command("demo", "Start a CSO and a CSP endpoint on loopback with fresh certificates and databases, and run the roaming scenarios.") { keepRunning };
        command.SetAction((parse, cancellationToken) =>
            new DemoRunner(parse.InvocationConfiguration.Output).RunAsync(parse.GetValue(keepRunning), cancellationToken));
        return command;
    }
}
