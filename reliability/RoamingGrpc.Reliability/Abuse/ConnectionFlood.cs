using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Connections that never complete TLS, held in <c>slots</c>: each slot connects from its source, optionally sends
/// <c>send</c> (the start of a TLS handshake), waits until the server closes the connection and connects again, at most
/// <c>rate</c> connections a second over all slots. Records how long the server let each connection live.
/// </summary>
internal sealed class ConnectionFlood(Attacker attacker, double rate, int slots, Func<int, IPAddress> sourceOf, byte[]? send)
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AtOnce = TimeSpan.FromMilliseconds(500);

    public async Task<Result> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var result = new Result();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        long next = -1;
        var tasks = Enumerable.Range(0, slots).Select(slot => SlotAsync(slot)).ToList();
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return result;

        async Task SlotAsync(int slot)
        {
            var source = sourceOf(slot);
            while (!stop.IsCancellationRequested)
            {
                var due = TimeSpan.FromSeconds(Interlocked.Increment(ref next) / rate) - clock.Elapsed;
                try
                {
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, stop.Token).ConfigureAwait(false);
                    }

                    await OneAsync(source).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }

        async Task OneAsync(IPAddress source)
        {
            Socket socket;
            using (var connect = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
            {
                connect.CancelAfter(ConnectTimeout);
                try
                {
                    socket = await attacker.ConnectAsync(source, connect.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !stop.IsCancellationRequested))
                {
                    Interlocked.Increment(ref result.ConnectFailures);
                    return;
                }
            }

            using (socket)
            {
                Interlocked.Increment(ref result.Connections);
                var opened = Stopwatch.GetTimestamp();
                if (send is not null)
                {
                    try
                    {
                        await socket.SendAsync(send, SocketFlags.None, stop.Token).ConfigureAwait(false);
                    }
                    catch (SocketException)
                    {
                        // Closed before the bytes went out: counted below as closed by the server.
                    }
                }

                var closed = await Attacker.ClosedByServerAsync(socket, stop.Token).ConfigureAwait(false);
                var lived = Stopwatch.GetElapsedTime(opened);
                result.Lived(lived, closed, lived < AtOnce);
            }
        }
    }

    /// <summary>The counts of a flood.</summary>
    internal sealed class Result
    {
        private readonly Lock _gate = new();
        public long Connections;
        public long ConnectFailures;

        public long ClosedAtOnce { get; private set; }

        public long ClosedLater { get; private set; }

        public long OpenAtEnd { get; private set; }

        /// <summary>The longest a connection lived before the server closed it, or until the end of the attack.</summary>
        public TimeSpan LongestLived { get; private set; }

        public void Lived(TimeSpan lived, bool closedByServer, bool atOnce)
        {
            lock (_gate)
            {
                if (!closedByServer)
                {
                    OpenAtEnd++;
                }
                else if (atOnce)
                {
                    ClosedAtOnce++;
                }
                else
                {
                    ClosedLater++;
                }

                LongestLived = lived > LongestLived ? lived : LongestLived;
            }
        }

        /// <summary>No connection lived past the handshake timeout + 2 s (a loaded machine's timer slack).</summary>
        public void Check(AttackOutcome outcome, TimeSpan handshakeTimeout)
        {
            var bound = handshakeTimeout + TimeSpan.FromSeconds(2);
            outcome.Check(LongestLived <= bound, $"a connection that never completed TLS lived {LongestLived.TotalSeconds:F1} s (bound: the handshake timeout {handshakeTimeout.TotalSeconds:F0} s + 2 s)");
            outcome.Check(ClosedAtOnce + ClosedLater > 0, "the server closed none of the connections");
        }

        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"{Connections} connections: {ClosedAtOnce} closed at once, {ClosedLater} after a wait, {OpenAtEnd} open at the end; longest {LongestLived.TotalSeconds:F1} s; {ConnectFailures} connects failed");
    }
}
