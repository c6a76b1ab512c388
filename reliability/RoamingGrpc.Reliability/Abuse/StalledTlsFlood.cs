using System.Globalization;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Hole 3, the other half: connections that start TLS and stall, from <see cref="AbuseOptions.StallSources"/> sources
/// (127.0.1.x) with <see cref="AbuseOptions.StallPerSource"/> each, more in all than
/// <c>Limits:MaxUnauthenticatedConnections</c> (1 000): each sends the first bytes of a ClientHello (a TLS record
/// header announcing 512 bytes and 38 of them) and nothing more. Checks: every connection closed by the server within
/// the handshake timeout + 2 s; refusals counted as <c>unauthenticated_cap</c> (past the cap in all, the oldest is
/// closed to make room; below it, as <c>handshake_timeout</c>).
/// </summary>
internal sealed class StalledTlsFlood(Attacker attacker, AbuseOptions options, TimeSpan handshakeTimeout, int maxUnauthenticated) : IAttack
{
    // TLS record: handshake (22), TLS 1.0 record version, length 512; ClientHello (1) of 508 bytes, version TLS 1.2,
    // then the first bytes of the random. The server waits for the rest of the record.
    private static readonly byte[] StartOfClientHello =
    [
        0x16, 0x03, 0x01, 0x02, 0x00,
        0x01, 0x00, 0x01, 0xFC, 0x03, 0x03,
        .. Enumerable.Range(0, 32).Select(i => (byte)(i * 7)),
    ];

    private int Connections => options.StallSources * options.StallPerSource;

    public string Name => "stalled-tls";

    public string Title => $"connections that start TLS and stall, {options.StallSources} sources";

    public string Size => $"{Connections} held ({options.StallSources} x {options.StallPerSource}), {options.StallRate.ToString("0", CultureInfo.InvariantCulture)}/s";

    public int LogLineBound(TimeSpan duration, TimeSpan refusalLogInterval) => LogBudget.Refusals(options.StallSources, duration, refusalLogInterval);

    public async Task<AttackOutcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var outcome = new AttackOutcome();
        // Past the cap in all, each new connection closes the oldest before its timeout; below it, they time out.
        outcome.ExpectedRefusals.Add(Connections > maxUnauthenticated ? "unauthenticated_cap" : "handshake_timeout");

        var flood = new ConnectionFlood(attacker, options.StallRate, Connections, slot => Attacker.StallSource(slot / options.StallPerSource), StartOfClientHello);
        var result = await flood.RunAsync(duration, cancellationToken).ConfigureAwait(false);
        result.Check(outcome, handshakeTimeout);
        outcome.Done = result.Describe();
        return outcome;
    }
}
