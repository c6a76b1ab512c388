using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using RoamingGrpc.Cli;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Cli;

/// <summary>
/// <c>roaming serve</c> run in-process through the real parser, with an address it is told to listen on already held by
/// a socket of the test: one line on stderr naming the setting and the address, exit code 2, nothing started.
/// </summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("roaming-serve-").FullName;
    private readonly TestPki _pki;
    private readonly string _certificates;

    public ServeCommandTests()
    {
        _pki = new TestPki(_root);
        _certificates = _pki.Issue("cso", PartyRole.Cso, "DE*ABC");
    }

    private string Database => Path.Combine(_root, "cso.db");

    [Fact]
    public async Task Serve_MetricsPortHeldByAnotherSocket_OneLineNamingMetricsListenExitCode2()
    {
        using var holder = Hold();
        var held = (IPEndPoint)holder.LocalEndpoint;

        var (code, output, error) = await ServeAsync("--listen", "127.0.0.1:0", "--metrics", held.ToString());

        Assert.Equal(2, code);
        Assert.Equal(
            [$"Roaming:Metrics:Listen {held} is in use by another process; choose another port (serve --metrics HOST:PORT, or empty to turn metrics off)."],
            Lines(error));
        Assert.Empty(output);
        Assert.False(File.Exists(Database), "nothing may start (no database) when a listen address is in use");
    }

    [Fact]
    public async Task Serve_ListenPortHeldByAnotherSocket_OneLineNamingListenExitCode2()
    {
        using var holder = Hold();
        var held = (IPEndPoint)holder.LocalEndpoint;

        var (code, output, error) = await ServeAsync("--listen", held.ToString(), "--metrics", "127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.Equal([$"Roaming:Listen {held} is in use by another process; choose another port (serve --listen HOST:PORT)."], Lines(error));
        Assert.Empty(output);
        Assert.False(File.Exists(Database), "nothing may start (no database) when a listen address is in use");
    }

    [Fact]
    public async Task Serve_MetricsFlagEmpty_MetricsListenerFromConfigFileTurnedOff()
    {
        // The configuration file's metrics port is held too: were the metrics listener still on, serve would name it
        // (it is checked first, as Kestrel binds it first).
        using var metricsHolder = Hold();
        using var listenHolder = Hold();
        var config = Path.Combine(_root, "cso.json");
        await File.WriteAllTextAsync(config, $$"""{ "Roaming": { "Metrics": { "Listen": "{{metricsHolder.LocalEndpoint}}" } } }""");

        var (code, _, error) = await ServeAsync("--config", config, "--listen", listenHolder.LocalEndpoint.ToString()!, "--metrics", string.Empty);

        Assert.Equal(2, code);
        Assert.StartsWith($"Roaming:Listen {listenHolder.LocalEndpoint} is in use", Assert.Single(Lines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadSectionValuesInConfigFile_OneLinePerProblemNamingTheKeyExitCode2()
    {
        var config = Path.Combine(_root, "bad.json");
        await File.WriteAllTextAsync(config, """{ "Roaming": { "Charging": { "CommandTimeout": "-00:00:01" }, "Reservations": { "MaxDuration": "2.00:00:00" } } }""");

        var (code, output, error) = await ServeAsync("--config", config, "--listen", "127.0.0.1:0", "--metrics", string.Empty);

        Assert.Equal(2, code);
        Assert.Equal(
            [
                "Roaming:Charging:CommandTimeout must be positive (was -00:00:01).",
                "Roaming:Reservations:MaxDuration must be more than 0 and at most 24 h (was 2.00:00:00).",
            ],
            Lines(error).Order(StringComparer.Ordinal));
        Assert.Empty(output);
        Assert.False(File.Exists(Database), "nothing may start (no database) with a bad setting");
    }

    [Fact]
    public async Task Serve_DatabaseSynchronousOffInConfigFile_LineNamingTheKeyExitCode2NothingStarted()
    {
        var config = Path.Combine(_root, "off.json");
        await File.WriteAllTextAsync(config, """{ "Roaming": { "DatabaseSynchronous": "Off" } }""");

        var (code, output, error) = await ServeAsync("--config", config, "--listen", "127.0.0.1:0", "--metrics", string.Empty);

        Assert.Equal(2, code);
        Assert.Equal(
            ["Invalid endpoint configuration:", "- Roaming:DatabaseSynchronous must be Full (the default: acknowledged writes survive a power loss) or Normal (was 'Off')."],
            Lines(error));
        Assert.Empty(output);
        Assert.False(File.Exists(Database), "nothing may start (no database) with a bad setting");
    }

    public void Dispose()
    {
        _pki.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A listening socket on a loopback port picked by the system, standing for another process.</summary>
    private static TcpListener Hold()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<(int Code, string Output, string Error)> ServeAsync(params string[] flags)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = ["serve", "--role", "cso", "--party", "DE*ABC", "--cert", _certificates, "--db", Database, .. flags];
        // A start that is not refused would serve until cancelled: the deadline turns that into a failure, not a hang.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await RoamingCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, deadline.Token);
        return (code, output.ToString(), error.ToString());
    }
}
