using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Bench;

/// <summary>
/// One CSO server in the stream scenarios: its back office (sites published, status reports) and a CSP consumer on
/// its WatchEvseStatus stream.
/// </summary>
internal sealed class StreamTarget : IAsyncDisposable
{
    private readonly CsoBackofficeService.CsoBackofficeServiceClient _backoffice;
    private readonly StatusStreamConsumer _consumer;
    private readonly StatusChanges _changes;

    private StreamTarget(CsoBackofficeService.CsoBackofficeServiceClient backoffice, Grpc.Net.Client.GrpcChannel channel, StatusStreamConsumer consumer, StatusChanges changes)
    {
        _backoffice = backoffice;
        Channel = channel;
        _consumer = consumer;
        _changes = changes;
    }

    /// <summary>The CSP's channel to this CSO.</summary>
    public Grpc.Net.Client.GrpcChannel Channel { get; }

    /// <summary>The marker EVSE (see <see cref="StatusChanges"/>).</summary>
    public string Marker => _changes.Marker;

    /// <summary>The marker's status after the latest run.</summary>
    public EvseStatus LastMarker => _changes.CurrentMarker;

    /// <summary>The standing consumer (open from preparation to disposal).</summary>
    public StatusStreamConsumer Consumer => _consumer;

    /// <summary>
    /// Publishes <see cref="BenchSites"/> through the back office (unless the server seeded its sites itself,
    /// <paramref name="sitesSeeded"/>), registers the CSP and opens its consumer; changes go to <paramref name="evseIds"/>
    /// with <paramref name="stride"/> (see <see cref="StatusChanges"/>).
    /// </summary>
    public static async Task<StreamTarget> PrepareAsync(string root, ServerProcess server, IReadOnlyList<string> evseIds, bool sitesSeeded = false, int stride = 1)
    {
        var backoffice = new CsoBackofficeService.CsoBackofficeServiceClient(
            BenchDriver.Channel(root, "cso-backoffice", BenchParties.CsoBackoffice, server.Url, BenchParties.Cso));
        if (!sitesSeeded)
        {
            foreach (var site in BenchSites.Create())
            {
                await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = Guid.NewGuid().ToString(), Site = site }).ConfigureAwait(false);
            }
        }

        var channel = BenchDriver.Channel(root, "csp", BenchParties.Csp, server.Url, BenchParties.Cso);
        await BenchDriver.HandshakeAsync(channel, BenchParties.Csp, Role.Csp, UseCase.PlatformAuthentication, UseCase.EvseStatus).ConfigureAwait(false);
        var changes = new StatusChanges(evseIds, stride);
        var consumer = await StatusStreamConsumer.OpenAsync(channel, changes.Marker).ConfigureAwait(false);
        return new StreamTarget(backoffice, channel, consumer, changes);
    }

    /// <summary>Reports <paramref name="count"/> changes, then the marker; returns events/s until the consumer applied the marker.</summary>
    public Task<double> RunAsync(int count, int reporters, int batch) => RunAsync(count, reporters, batch, [_consumer]);

    /// <summary>Reports <paramref name="count"/> changes, then the marker; returns events/s until every consumer applied the marker.</summary>
    public async Task<double> RunAsync(int count, int reporters, int batch, IReadOnlyList<StatusStreamConsumer> consumers)
    {
        var watch = Stopwatch.StartNew();
        var remaining = count;
        var applied = 0L;
        var workers = Enumerable.Range(0, reporters).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var take = Math.Min(batch, Interlocked.Add(ref remaining, -batch) + batch);
                if (take <= 0)
                {
                    return;
                }

                var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
                var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
                for (var i = 0; i < take; i++)
                {
                    var (evseId, status) = _changes.Next();
                    request.Statuses.Add(new EvseStatusEvent { EvseId = evseId, Status = status, ChangeTime = now });
                }

                var response = await _backoffice.ReportEvseStatusAsync(request).ConfigureAwait(false);
                Interlocked.Add(ref applied, response.AppliedCount);
            }
        })).ToList();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var marker = _changes.NextMarker();
        var seen = Task.WhenAll(consumers.Select(consumer => consumer.MarkerApplied(marker)));
        var report = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
        report.Statuses.Add(new EvseStatusEvent { EvseId = _changes.Marker, Status = marker, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) });
        await _backoffice.ReportEvseStatusAsync(report).ConfigureAwait(false);
        await seen.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
        watch.Stop();
        return (applied + 1) / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Reports one change in a call of its own (a fresh request id), as a station that reports each change when it
    /// happens; the answer comes after the change is committed.
    /// </summary>
    public async Task ReportOneAsync()
    {
        var (evseId, status) = _changes.Next();
        var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
        request.Statuses.Add(new EvseStatusEvent { EvseId = evseId, Status = status, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) });
        var response = await _backoffice.ReportEvseStatusAsync(request).ConfigureAwait(false);
        if (response.AppliedCount != 1)
        {
            throw new InvalidOperationException($"the change of {evseId} to {status} was not applied");
        }
    }

    public async ValueTask DisposeAsync() => await _consumer.DisposeAsync().ConfigureAwait(false);
}
