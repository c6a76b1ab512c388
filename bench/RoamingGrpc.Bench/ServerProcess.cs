using System.Diagnostics;

namespace RoamingGrpc.Bench;

/// <summary>One server process (this program with <c>serve kind root</c>) pinned with taskset to the server core.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public int Pid => _process.Id;

    /// <summary>CPU time the server process used so far (taskset execs the server in its own process).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<ServerProcess> StartAsync(string kind, string root, string core)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo("taskset")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-c", core, self })
        {
            info.ArgumentList.Add(argument);
        }

        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ServerProcess).Assembly.Location);
        }

        foreach (var argument in new[] { "serve", kind, root })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start the {kind} server");
        var log = new StreamWriter(Path.Combine(root, kind + ".log")) { AutoFlush = true };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                lock (log)
                {
                    log.WriteLine(line.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        // Generous: the scale servers seed up to a million EVSEs before READY, on a core other work shares.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                return new ServerProcess(process, new Uri(line["READY ".Length..]));
            }
        }

        throw new InvalidOperationException($"the {kind} server exited before it was ready (see {kind}.log)");
    }

    /// <summary>The server's resident set and GC heap after a full collection, in bytes.</summary>
    public async Task<(long Resident, long GcHeap)> MemoryAsync()
    {
        await _process.StandardInput.WriteLineAsync("mem").ConfigureAwait(false);
        await _process.StandardInput.FlushAsync().ConfigureAwait(false);
        var line = await _process.StandardOutput.ReadLineAsync().ConfigureAwait(false) ?? throw new InvalidOperationException("the server exited");
        var parts = line.Split(' ');
        return (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
