using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Hole 1: a second certificate of the CSP (a retired or stolen one) holds <see cref="AbuseOptions.RevokedStreams"/>
/// <c>WatchEvseStatus</c> streams open on one connection while the CSO's stations report status changes (5 a second),
/// and the legitimate partner has a stream of its own on its own certificate. The certificate's serial is then added
/// to the revocation file, and for the rest of the attack its holder connects again every 250 ms. Checks: every stream
/// of the revoked certificate ends with <c>UNAUTHENTICATED</c> / <c>CERTIFICATE_REVOKED</c> within
/// <see cref="RecheckBound"/> of the file's change (the file is looked at every second and its change re-checks every
/// open stream; the heartbeat, 15 s, is only the backstop); no call of the revoked certificate is answered afterwards;
/// the legitimate partner's stream stays open and keeps receiving events.
/// </summary>
internal sealed class RevokedCertificateStream(
    Attacker attacker,
    X509Certificate2 revokedCertificate,
    string revocationFile,
    GrpcChannel legitimate,
    CsoBackofficeService.CsoBackofficeServiceClient stations,
    string statusEvse,
    string siteId,
    AbuseOptions options) : IAttack
{
    /// <summary>The revocation file's poll (1 s) and slack for a loaded machine.</summary>
    public static readonly TimeSpan RecheckBound = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(30);

    public string Name => "revoked-stream";

    public string Title => "open WatchEvseStatus streams of a certificate that is revoked";

    public string Size => $"{options.RevokedStreams} streams, reconnects every 250 ms";

    // The endpoint logs each stream it ends (one entry each: bounded by the streams a certificate could open before its
    // revocation), the reloaded revocation list, and the reconnects' refusals from one source.
    public int LogLineBound(TimeSpan duration, TimeSpan refusalLogInterval) =>
        LogBudget.Refusals(1, duration, refusalLogInterval) + (LogBudget.LinesPerEntry * (options.RevokedStreams + 2));

    public async Task<AttackOutcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var outcome = new AttackOutcome();
        outcome.ExpectedRefusals.Add("certificate_refused");
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = ReportStatusesAsync(stop.Token);
        using var holder = attacker.Channel(Attacker.RevokedSource, revokedCertificate);
        var streams = Enumerable.Range(0, options.RevokedStreams).Select(_ => new WatchedStream(holder, stop.Token)).ToList();
        var control = new WatchedStream(legitimate, stop.Token);
        long reconnects = 0, reconnectsAnswered = 0;
        try
        {
            if (!await AllAsync(streams.Append(control), stream => stream.FirstEvent, FirstEventTimeout, cancellationToken).ConfigureAwait(false))
            {
                outcome.Violation($"not every stream received an event within {FirstEventTimeout.TotalSeconds:F0} s of opening (before the revocation)");
            }

            var revoked = Stopwatch.GetTimestamp();
            Revoke();
            var ended = await AllAsync(streams, stream => stream.Ended, RecheckBound + TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
            var slowest = streams.Where(stream => stream.Ended.IsCompleted).Select(stream => Stopwatch.GetElapsedTime(revoked, stream.EndedAt)).DefaultIfEmpty(TimeSpan.Zero).Max();
            outcome.Check(ended, $"{streams.Count(stream => !stream.Ended.IsCompleted)} of {streams.Count} streams of the revoked certificate were still open {(RecheckBound + TimeSpan.FromSeconds(15)).TotalSeconds:F0} s after the revocation");
            outcome.Check(slowest <= RecheckBound, $"a stream of the revoked certificate ended {slowest.TotalSeconds:F1} s after the revocation (bound {RecheckBound.TotalSeconds:F0} s)");
            foreach (var group in streams.Where(stream => stream.Ended.IsCompleted).GroupBy(stream => stream.Ended.Result).Where(group => group.Key != "Unauthenticated / CERTIFICATE_REVOKED"))
            {
                outcome.Violation($"{group.Count()} streams of the revoked certificate ended with {group.Key} (expected UNAUTHENTICATED / CERTIFICATE_REVOKED)");
            }

            // The holder keeps trying, each time on a new connection, for the rest of the attack (2 s at least, so
            // that the partner's stream has events to show after the revocation).
            var eventsBefore = control.Events;
            var retrying = Stopwatch.StartNew();
            while (clock.Elapsed < duration || retrying.Elapsed < TimeSpan.FromSeconds(2))
            {
                reconnects++;
                if (await ReconnectAnsweredAsync(cancellationToken).ConfigureAwait(false))
                {
                    reconnectsAnswered++;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }

            outcome.Check(reconnectsAnswered == 0, $"{reconnectsAnswered} of {reconnects} calls with the revoked certificate were answered");
            outcome.Check(!control.Ended.IsCompleted, $"the legitimate partner's stream ended: {(control.Ended.IsCompleted ? control.Ended.Result : string.Empty)}");
            outcome.Check(control.Events > eventsBefore, "the legitimate partner's stream received no event after the revocation");
            outcome.Done = string.Create(CultureInfo.InvariantCulture, $"{streams.Count(stream => stream.Ended.IsCompleted)} of {streams.Count} streams ended, the last {slowest.TotalSeconds:F1} s after the revocation; {reconnects} reconnects, {reconnectsAnswered} answered; the partner's stream received {control.Events} events");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await reporter.ConfigureAwait(false);
            foreach (var stream in streams.Append(control))
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        return outcome;
    }

    private static async Task<bool> AllAsync(IEnumerable<WatchedStream> streams, Func<WatchedStream, Task> what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var all = Task.WhenAll(streams.Select(what));
        var finished = await Task.WhenAny(all, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
        return finished == all;
    }

    // Appends the serial, replacing the file in one step (the endpoint never reads half of it).
    private void Revoke()
    {
        var temporary = revocationFile + ".new";
        var lines = File.ReadAllLines(revocationFile).Append(revokedCertificate.SerialNumber);
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, revocationFile, overwrite: true);
    }

    private async Task<bool> ReconnectAnsweredAsync(CancellationToken cancellationToken)
    {
        using var channel = attacker.Channel(Attacker.RevokedSource, revokedCertificate);
        try
        {
            await new SiteService.SiteServiceClient(channel).GetSiteAsync(new GetSiteRequest { SiteId = siteId }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RpcException)
        {
            return false; // refused in the TLS handshake (UNAVAILABLE on the client) or by the call's authorization
        }
    }

    private async Task ReportStatusesAsync(CancellationToken stop)
    {
        var clock = new ChangeClock();
        var statuses = new[] { EvseStatus.Available, EvseStatus.Charging };
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var request = new ReportEvseStatusRequest { RequestId = Guid.NewGuid().ToString() };
            request.Statuses.Add(new EvseStatusEvent { EvseId = statusEvse, Status = statuses[i % 2], ChangeTime = clock.Next() });
            try
            {
                await stations.ReportEvseStatusAsync(request, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: stop).ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(200), stop).ConfigureAwait(false);
            }
            catch (Exception ex) when (stop.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return;
            }
        }
    }

    /// <summary>One WatchEvseStatus stream, live only: its first event, its event count, and how it ended.</summary>
    private sealed class WatchedStream : IAsyncDisposable
    {
        private readonly TaskCompletionSource _firstEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly AsyncDuplexStreamingCall<WatchEvseStatusRequest, WatchEvseStatusResponse> _call;
        private long _events;

        public WatchedStream(GrpcChannel channel, CancellationToken stop)
        {
            _call = new EvseStatusService.EvseStatusServiceClient(channel).WatchEvseStatus(cancellationToken: stop);
            Ended = ReadAsync(stop);
        }

        public Task FirstEvent => _firstEvent.Task;

        /// <summary>"Code / REASON" of the stream's end.</summary>
        public Task<string> Ended { get; }

        /// <summary>When <see cref="Ended"/> completed (a <see cref="Stopwatch"/> timestamp).</summary>
        public long EndedAt { get; private set; }

        public long Events => Interlocked.Read(ref _events);

        public async ValueTask DisposeAsync()
        {
            _call.Dispose();
            await Ended.ConfigureAwait(false);
        }

        private async Task<string> ReadAsync(CancellationToken stop)
        {
            try
            {
                await _call.RequestStream.WriteAsync(new WatchEvseStatusRequest { Start = new WatchEvseStatusStart() }, stop).ConfigureAwait(false);
                while (await _call.ResponseStream.MoveNext(stop).ConfigureAwait(false))
                {
                    if (_call.ResponseStream.Current.KindCase is WatchEvseStatusResponse.KindOneofCase.Event or WatchEvseStatusResponse.KindOneofCase.Events)
                    {
                        Interlocked.Increment(ref _events);
                        _firstEvent.TrySetResult();
                    }
                }

                return End("OK / ended by the server");
            }
            catch (RpcException ex)
            {
                return End($"{ex.StatusCode} / {ex.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? "no reason"}");
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return End("cancelled by the driver");
            }
        }

        private string End(string how)
        {
            EndedAt = Stopwatch.GetTimestamp();
            return how;
        }
    }
}
