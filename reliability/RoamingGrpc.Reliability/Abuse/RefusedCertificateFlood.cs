using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Hole 4 (log amplification) with refused certificates: full TLS handshakes from one source at
/// <see cref="AbuseOptions.HandshakeRate"/> a second (at most 16 at once), alternately with a certificate of a foreign
/// CA that names the CSP (an impostor) and with no client certificate. Checks: the server refuses every one (the
/// connection is closed in or right after the handshake, never answered), the refusals are counted as
/// <c>certificate_refused</c> and <c>handshake_failed</c>, and the log stays within the per-source summary's bound.
/// </summary>
internal sealed class RefusedCertificateFlood(Attacker attacker, AbuseOptions options, X509Certificate2 foreignCertificate) : IAttack
{
    private const int Concurrency = 16;
    private static readonly TimeSpan RefusalTimeout = TimeSpan.FromSeconds(5);

    public string Name => "refused-certificates";

    public string Title => "TLS handshakes with a foreign CA's certificate or none, one source";

    public string Size => $"{options.HandshakeRate.ToString("0", CultureInfo.InvariantCulture)}/s, {Concurrency} at once";

    public int LogLineBound(TimeSpan duration, TimeSpan refusalLogInterval) => LogBudget.Refusals(1, duration, refusalLogInterval);

    public async Task<AttackOutcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var outcome = new AttackOutcome();
        outcome.ExpectedRefusals.AddRange(["certificate_refused", "handshake_failed"]);
        long attempts = 0, refused = 0, notRefused = 0, connectFailures = 0, serverRefused = 0;
        var slowest = TimeSpan.Zero;
        var gate = new Lock();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        long next = -1;
        var workers = Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref next);
                var due = TimeSpan.FromSeconds(n / options.HandshakeRate) - clock.Elapsed;
                try
                {
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, stop.Token).ConfigureAwait(false);
                    }

                    var started = Stopwatch.GetTimestamp();
                    var answer = await HandshakeAsync(n % 2 == 0 ? foreignCertificate : null, stop.Token).ConfigureAwait(false);
                    var took = Stopwatch.GetElapsedTime(started);
                    Interlocked.Increment(ref attempts);
                    switch (answer)
                    {
                        case Answer.Refused:
                            Interlocked.Increment(ref refused);
                            break;
                        case Answer.NotRefused:
                            Interlocked.Increment(ref notRefused);
                            break;
                        case Answer.ServerCertificateRefused:
                            Interlocked.Increment(ref serverRefused);
                            break;
                        default:
                            Interlocked.Increment(ref connectFailures);
                            break;
                    }

                    lock (gate)
                    {
                        slowest = took > slowest ? took : slowest;
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }).ToList();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);

        outcome.Check(notRefused == 0, $"{notRefused} of {attempts} handshakes with a foreign or no certificate were not refused within {RefusalTimeout.TotalSeconds:F0} s");
        outcome.Check(refused > 0, "no handshake was refused");
        outcome.Check(serverRefused == 0, $"the attacker refused the server's certificate {serverRefused} times (the run is broken)");
        outcome.Done = string.Create(CultureInfo.InvariantCulture, $"{attempts} handshakes: {refused} refused, {notRefused} not refused, {connectFailures} connects failed; slowest {slowest.TotalMilliseconds:F0} ms");
        return outcome;
    }

    private async Task<Answer> HandshakeAsync(X509Certificate2? certificate, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(RefusalTimeout);
        Socket socket;
        try
        {
            socket = await attacker.ConnectAsync(Attacker.HandshakeSource, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
        {
            return Answer.ConnectFailed;
        }

        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: true));
        var serverRefused = false;
        try
        {
            await tls.AuthenticateAsClientAsync(attacker.Tls(certificate, () => serverRefused = true), timeout.Token).ConfigureAwait(false);
            // TLS 1.3: the client is done before the server has judged its certificate; the refusal comes as an alert
            // (an exception here) or the connection's end. Anything else, or nothing, is not a refusal.
            var read = await tls.ReadAsync(new byte[1], timeout.Token).ConfigureAwait(false);
            return read == 0 ? Answer.Refused : Answer.NotRefused;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // The attacker's own refusal of the server's certificate would be a broken run, not the server's refusal.
            return serverRefused ? Answer.ServerCertificateRefused : Answer.Refused;
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            return Answer.NotRefused;
        }
    }

    private enum Answer
    {
        Refused,
        NotRefused,
        ConnectFailed,
        ServerCertificateRefused,
    }
}
