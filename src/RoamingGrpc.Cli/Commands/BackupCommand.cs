using System.CommandLine;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Cli.Commands;

/// <summary><c>roaming backup</c>: an online copy of an endpoint's database, safe while the endpoint serves.</summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var dbOption = new Option<FileInfo>("--db") { Description = "The endpoint's SQLite database (Roaming:Database).", Required = true };
        var outOption = new Option<FileInfo>("--out") { Description = "The backup file to create (must not exist).", Required = true };
        var command = new Command("backup", "Copy an endpoint's database with SQLite's online backup, safe while the endpoint runs; the copy is integrity-checked.")
        {
            dbOption, outOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var source = parse.GetRequiredValue(dbOption).FullName;
            var target = parse.GetRequiredValue(outOption).FullName;
            try
            {
                var (integrity, bytes) = await Task.Run(() => SqliteBackup.Run(source, target), cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"backed up {source} to {target}: {bytes} bytes, integrity check: {integrity}").ConfigureAwait(false);
                return integrity == "ok" ? 0 : 1;
            }
            catch (Exception ex) when (ex is IOException or Microsoft.Data.Sqlite.SqliteException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"backup failed: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        });
        return command;
    }
}
