using System.Diagnostics;
using System.Globalization;

namespace RoamingGrpc.Reliability.Endpoints;

/// <summary>
/// One <c>roaming serve</c> process (<c>dotnet roaming.dll serve ...</c>), restartable on the same arguments (database,
/// port): started, killed with SIGKILL (<see cref="Process.Kill()"/>), stopped with SIGTERM. Its output goes to one log
/// file, each start marked with its generation; an exit the driver did not cause is reported through
/// <see cref="UnexpectedExits"/>.
/// </summary>
internal sealed class EndpointProcess : IAsyncDisposable
{
    private readonly string _cliDll;
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private readonly List<string> _unexpectedExits = [];
    private Process? _process;
    private bool _stopping;
    private bool _closed;

    public EndpointProcess(string name, string cliDll, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, string logFile)
    {
        Name = name;
        _cliDll = cliDll;
        _arguments = arguments;
        _environment = environment;
        LogFile = logFile;
        _log = new StreamWriter(logFile, append: true) { AutoFlush = true };
    }

    public string Name { get; }

    public string LogFile { get; }

    /// <summary>How many times the process was started.</summary>
    public int Generation { get; private set; }

    /// <summary>The running process's id.</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException($"{Name} is not running");

    /// <summary>Exits the driver did not cause (crashes, or serve refusing to start), with their exit codes.</summary>
    public IReadOnlyList<string> UnexpectedExits
    {
        get
        {
            lock (_gate)
            {
                return [.. _unexpectedExits];
            }
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is running already");
            }

            _process?.Dispose();
            Generation++;
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(_cliDll);
            foreach (var argument in _arguments)
            {
                info.ArgumentList.Add(argument);
            }

            foreach (var (key, value) in _environment)
            {
                info.Environment[key] = value;
            }

            var generation = Generation;
            var process = new Process { StartInfo = info, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, line) => Write(generation, line.Data);
            process.ErrorDataReceived += (_, line) => Write(generation, line.Data);
            process.Exited += (_, _) => OnExited(process, generation);
            _stopping = false;
            Write(generation, $"== {DateTimeOffset.UtcNow:O} start {generation}: dotnet {_cliDll} {string.Join(' ', _arguments)}");
            if (!process.Start())
            {
                throw new InvalidOperationException($"could not start {Name}");
            }

            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
        }
    }

    /// <summary>SIGKILL, as a power cut of the process would: nothing of it runs afterwards.</summary>
    public async Task KillAsync()
    {
        Process process;
        lock (_gate)
        {
            process = _process ?? throw new InvalidOperationException($"{Name} is not running");
            _stopping = true;
            Write(Generation, $"== {DateTimeOffset.UtcNow:O} SIGKILL {process.Id}");
        }

        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM and the wait for a graceful exit; returns its exit code, or null if it had to be killed.</summary>
    public async Task<int?> StopAsync(TimeSpan timeout)
    {
        Process process;
        lock (_gate)
        {
            if (_process is null || _process.HasExited)
            {
                return _process?.ExitCode;
            }

            process = _process;
            _stopping = true;
            Write(Generation, $"== {DateTimeOffset.UtcNow:O} SIGTERM {process.Id}");
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: false);
            await process.WaitForExitAsync().ConfigureAwait(false);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await KillAsync().ConfigureAwait(false);
        }

        _process?.Dispose();
        lock (_log)
        {
            // Output events of the last process may still arrive: they are dropped from here on.
            _closed = true;
        }

        await _log.DisposeAsync().ConfigureAwait(false);
    }

    private void OnExited(Process process, int generation)
    {
        lock (_gate)
        {
            if (!_stopping && ReferenceEquals(process, _process))
            {
                var exit = process.ExitCode;
                _unexpectedExits.Add($"{Name} (start {generation}) exited by itself with code {exit}; see {LogFile}");
            }
        }

        Write(generation, $"== {DateTimeOffset.UtcNow:O} exited");
    }

    private void Write(int generation, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_closed)
            {
                return;
            }

            _log.Write(generation.ToString(CultureInfo.InvariantCulture));
            _log.Write(' ');
            _log.WriteLine(line);
        }
    }
}
