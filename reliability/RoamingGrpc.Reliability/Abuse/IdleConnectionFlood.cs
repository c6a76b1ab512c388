using System.Globalization;
using System.Net.Sockets;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// Hole 3: TCP connections from one source that never start TLS. The flood holds up to
/// <see cref="AbuseOptions.FloodConnections"/> of them, opening at most <see cref="AbuseOptions.FloodRate"/> a second;
/// each one the server closes (at once past <c>Limits:MaxUnauthenticatedPerAddress</c>, after
/// <c>Limits:TlsHandshakeTimeout</c> otherwise) is opened again. Checks: the server closed every one of them (none is
/// left open at the end, none waits longer than the handshake timeout + 2 s), refusals counted as <c>address_cap</c>
/// and <c>handshake_timeout</c>.
/// </summary>
internal sealed class IdleConnectionFlood(Attacker attacker, AbuseOptions options, TimeSpan handshakeTimeout) : IAttack
{
    public string Name => "idle-flood";

    public string Title => "TCP connections that never start TLS, one source";

    public string Size => $"{options.FloodConnections} held, {options.FloodRate.ToString("0", CultureInfo.InvariantCulture)}/s";

    public int LogLineBound(TimeSpan duration, TimeSpan refusalLogInterval) => LogBudget.Refusals(1, duration, refusalLogInterval);

    public async Task<AttackOutcome> RunAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        var outcome = new AttackOutcome();
        outcome.ExpectedRefusals.AddRange(["address_cap", "handshake_timeout"]);
        var flood = new ConnectionFlood(attacker, options.FloodRate, options.FloodConnections, _ => Attacker.FloodSource, send: null);
        var result = await flood.RunAsync(duration, cancellationToken).ConfigureAwait(false);
        result.Check(outcome, handshakeTimeout);
        outcome.Done = result.Describe();
        return outcome;
    }
}
