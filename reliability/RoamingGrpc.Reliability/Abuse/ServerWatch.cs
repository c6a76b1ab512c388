using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging.Abstractions;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// What the operator of the attacked endpoint (the CSO) sees: its process (alive, resident set sampled every 200 ms
/// for the peak), its log (lines written since a mark), its metrics (<c>roaming_refusals_total</c> by reason,
/// <c>roaming_connections_unauthenticated</c>) and its gRPC health, asked by its own back office.
/// </summary>
internal sealed class ServerWatch : IDisposable
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(200);
    private readonly RoamingPair _pair;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly PartnerChannelFactory _backoffice;
    private readonly Health.HealthClient _health;
    private long _peakResident;
    private long _logOffset;

    public ServerWatch(RoamingPair pair, Workspace workspace)
    {
        _pair = pair;
        _backoffice = PartnerChannelFactory.ForClient(workspace.Certificates("cso-backoffice"), Parties.CsoBackoffice, NullLoggerFactory.Instance);
        _health = new Health.HealthClient(_backoffice.Get(pair.CsoUrl, Parties.Cso));
    }

    /// <summary>The CPU time the CSO and this driver (the attacker and the partner) have used so far.</summary>
    public (TimeSpan Cso, TimeSpan Driver) CpuTime()
    {
        using var cso = Process.GetProcessById(_pair.Cso.Pid);
        using var driver = Process.GetCurrentProcess();
        return (cso.TotalProcessorTime, driver.TotalProcessorTime);
    }

    /// <summary>The CSO's resident set now.</summary>
    public long Resident => ProcessSample.Read(_pair.Cso.Pid).ResidentBytes;

    /// <summary>Samples the resident set until <paramref name="stop"/>; <see cref="TakePeak"/> reads the highest since the last take.</summary>
    public async Task SampleAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (Alive)
            {
                var resident = ProcessSample.Read(_pair.Cso.Pid).ResidentBytes;
                var peak = Interlocked.Read(ref _peakResident);
                while (resident > peak && Interlocked.CompareExchange(ref _peakResident, resident, peak) != peak)
                {
                    peak = Interlocked.Read(ref _peakResident);
                }
            }

            try
            {
                await Task.Delay(SampleInterval, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>The highest resident set sampled since the last call (and the current one).</summary>
    public long TakePeak() => Math.Max(Interlocked.Exchange(ref _peakResident, 0), Alive ? Resident : 0);

    /// <summary>True while the CSO process runs and has not exited by itself.</summary>
    public bool Alive => _pair.Cso.UnexpectedExits.Count == 0 && Directory.Exists($"/proc/{_pair.Cso.Pid}");

    /// <summary>Marks the end of the log: <see cref="LinesSinceMark"/> counts from here.</summary>
    public void MarkLog() => _logOffset = new FileInfo(_pair.Cso.LogFile).Length;

    /// <summary>The lines the CSO wrote to its log (stdout and stderr) since the mark.</summary>
    public IReadOnlyList<string> LinesSinceMark()
    {
        using var file = new FileStream(_pair.Cso.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        file.Seek(_logOffset, SeekOrigin.Begin);
        using var reader = new StreamReader(file);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>The CSO's refusals so far by reason (<c>roaming_refusals_total</c>).</summary>
    public async Task<Dictionary<string, double>> RefusalsAsync(CancellationToken cancellationToken)
    {
        var scrape = await MetricsScrape.ReadAsync(_http, _pair.CsoMetricsPort, cancellationToken).ConfigureAwait(false);
        return scrape.Samples("roaming_refusals_total")
            .GroupBy(sample => sample.Labels.GetValueOrDefault("reason", "?"), StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Sum(sample => sample.Value), StringComparer.Ordinal);
    }

    /// <summary>The CSO's connections in the TLS handshake now (<c>roaming_connections_unauthenticated</c>).</summary>
    public async Task<double> UnauthenticatedAsync(CancellationToken cancellationToken)
    {
        var scrape = await MetricsScrape.ReadAsync(_http, _pair.CsoMetricsPort, cancellationToken).ConfigureAwait(false);
        return scrape.Sum("roaming_connections_unauthenticated") ?? 0;
    }

    /// <summary>Waits until no connection is in the handshake (the attack's leftovers timed out), at most <paramref name="timeout"/>.</summary>
    public async Task<bool> SettleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await UnauthenticatedAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }

        return false;
    }

    /// <summary>The health service's answer for the endpoint (service ""), or the failure.</summary>
    public async Task<string> HealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var answer = await _health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
            return answer.Status.ToString().ToUpperInvariant();
        }
        catch (RpcException ex)
        {
            return $"{ex.StatusCode}: {ex.Status.Detail}";
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _backoffice.Dispose();
    }
}
