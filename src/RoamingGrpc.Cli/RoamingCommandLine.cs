using System.CommandLine;
using RoamingGrpc.Cli.Commands;

namespace RoamingGrpc.Cli;

/// <summary>The <c>roaming</c> command line.</summary>
internal static class RoamingCommandLine
{
    /// <summary>The root command with every verb.</summary>
    public static RootCommand Create()
    {
        var root = new RootCommand("RoamingGrpc: a gRPC peer-to-peer roaming endpoint for EV charging (IEC 63119-2).");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(CaCommands.Create());
        root.Subcommands.Add(CertCommands.Create());
        root.Subcommands.Add(PartnerCommands.Create());
        root.Subcommands.Add(BackofficeCommands.Create());
        root.Subcommands.Add(TokenCommands.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(BackupCommand.Create());
        return root;
    }
}
