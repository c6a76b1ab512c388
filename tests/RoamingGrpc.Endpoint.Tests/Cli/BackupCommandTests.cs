using System.CommandLine;
using Microsoft.Data.Sqlite;
using RoamingGrpc.Cli;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Cli;

/// <summary><c>roaming backup</c> against the database of a running endpoint that keeps writing.</summary>
public sealed class BackupCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Backup_WhileEndpointServesAndWrites_CompleteConsistentCopy()
    {
        await using var network = await ChargingNetwork.StartAsync(output);
        var started = await network.Charging.StartSessionAsync(new StartSessionRequest { RequestId = "b", EvseId = ChargingNetwork.EvseId, Token = new TokenRef { Uid = "u1", Type = TokenType.AppUser } }, deadline: ChargingNetwork.Soon());
        var backup = Path.Combine(network.Endpoints.Root, "cso-backup.db");
        using var writing = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            // The station keeps reporting while the backup runs.
            for (var i = 0; !writing.IsCancellationRequested; i++)
            {
                await network.Station.ReportEvseStatusAsync(
                    new ReportEvseStatusRequest
                    {
                        RequestId = $"s{i}",
                        Statuses = { new EvseStatusEvent { EvseId = ChargingNetwork.SecondEvseId, Status = i % 2 == 0 ? EvseStatus.Blocked : EvseStatus.Available, ChangeTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) } },
                    },
                    deadline: ChargingNetwork.Soon());
            }
        });

        var (code, text) = await RunAsync("backup", "--db", network.Endpoints.Cso.Database, "--out", backup);
        var again = await RunAsync("backup", "--db", network.Endpoints.Cso.Database, "--out", backup);
        await writing.CancelAsync();
        await writer;

        Assert.Equal(0, code);
        Assert.Contains("integrity check: ok", text, StringComparison.Ordinal);
        Assert.Equal(1, again.Code); // never overwrites
        await using var copy = new SqliteConnection($"Data Source={backup};Mode=ReadOnly;Pooling=False");
        await copy.OpenAsync();
        await using var command = copy.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM sessions WHERE session_id = $id), (SELECT COUNT(*) FROM sites), (SELECT MAX(version) FROM schema_migrations)";
        command.Parameters.AddWithValue("$id", started.Session.SessionId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((1L, 1L), (reader.GetInt64(0), reader.GetInt64(1)));
        Assert.True(reader.GetInt64(2) >= 6);
    }

    private static async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await RoamingCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString() + error);
    }
}
