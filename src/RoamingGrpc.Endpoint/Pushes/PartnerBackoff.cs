using System.Collections.Concurrent;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;

namespace RoamingGrpc.Endpoint.Pushes;

/// <summary>
/// Per-partner retry state of a delivery loop: after a failure a partner waits (doubling, with jitter, up to
/// <see cref="HandshakeOptions.MaxBackoff"/>) before it is tried again; a success or a new handshake clears it.
/// </summary>
internal sealed class PartnerBackoff(HandshakeOptions options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<PartyIdentity, (int Failures, DateTimeOffset NextAttempt)> _state = new();

    /// <summary>How long <paramref name="partner"/> still waits after its last failure; zero when it may be tried now.</summary>
    public TimeSpan Remaining(PartyIdentity partner)
    {
        var now = clock.GetUtcNow();
        return _state.TryGetValue(partner, out var state) && state.NextAttempt > now ? state.NextAttempt - now : TimeSpan.Zero;
    }

    /// <summary>Counts a failure; returns the number of failures in a row and the wait before the next attempt.</summary>
    public (int Failures, TimeSpan Delay) Failed(PartyIdentity partner)
    {
        var failures = _state.TryGetValue(partner, out var state) ? state.Failures + 1 : 1;
        var delay = options.Backoff(failures);
        _state[partner] = (failures, clock.GetUtcNow() + delay);
        return (failures, delay);
    }

    /// <summary>Forgets the failures of <paramref name="partner"/> (it answered, or registered again).</summary>
    public void Reset(PartyIdentity partner) => _state.TryRemove(partner, out _);

    /// <summary>Forgets every partner's failures.</summary>
    public void Clear() => _state.Clear();
}
