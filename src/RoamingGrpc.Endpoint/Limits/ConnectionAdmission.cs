using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Observability;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// Counts the partner listener's connections that have not completed TLS, per source and in all, so that connections
/// that never authenticate cannot fill Kestrel's connection limit: a source past <c>Limits:MaxUnauthenticatedPerAddress</c>
/// is refused; at <c>Limits:MaxUnauthenticatedConnections</c> the oldest pending connection is closed to make room, so
/// that a partner connecting during a flood from many sources still gets its handshake (it only takes milliseconds,
/// while the flood's connections wait for the handshake timeout). Authenticated connections are not counted here.
/// </summary>
internal sealed class ConnectionAdmission
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _bySource = new(StringComparer.Ordinal);
    private readonly LinkedList<PendingHandshake> _oldestFirst = new();
    private readonly int _maxPerSource;
    private readonly int _max;
    private readonly TimeProvider _time;

    public ConnectionAdmission(IOptions<LimitsOptions> limits, TimeProvider time, RoamingMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(metrics);
        _maxPerSource = limits.Value.MaxUnauthenticatedPerAddress;
        _max = limits.Value.MaxUnauthenticatedConnections;
        _time = time;
        metrics.ObserveUnauthenticated(() => Pending);
    }

    /// <summary>Connections in the TLS handshake now.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _oldestFirst.Count;
            }
        }
    }

    /// <summary>Connections in the TLS handshake now from <paramref name="source"/>.</summary>
    public int PendingFrom(string source)
    {
        lock (_gate)
        {
            return _bySource.GetValueOrDefault(source);
        }
    }

    /// <summary>
    /// Admits <paramref name="connection"/> to the TLS handshake, or returns null when its source is at its cap. A
    /// connection closed to make room is returned as <paramref name="evicted"/>, already aborted.
    /// </summary>
    public PendingHandshake? TryAdmit(ConnectionContext connection, string source, out PendingHandshake? evicted)
    {
        ArgumentNullException.ThrowIfNull(connection);
        evicted = null;
        PendingHandshake admitted;
        lock (_gate)
        {
            var fromSource = _bySource.GetValueOrDefault(source);
            if (fromSource >= _maxPerSource)
            {
                return null;
            }

            if (_oldestFirst.Count >= _max)
            {
                evicted = _oldestFirst.First!.Value;
                Remove(evicted, HandshakeOutcome.Evicted);
                fromSource = _bySource.GetValueOrDefault(source);
            }

            admitted = new PendingHandshake(connection, source, _time.GetTimestamp());
            admitted.Node = _oldestFirst.AddLast(admitted);
            _bySource[source] = fromSource + 1;
        }

        evicted?.Connection.Abort(new ConnectionAbortedException("Closed in the TLS handshake to make room (Roaming:Limits:MaxUnauthenticatedConnections)."));
        return admitted;
    }

    /// <summary>Stops counting <paramref name="pending"/> (authenticated, or ended); no-op when it is not counted any more.</summary>
    public void Release(PendingHandshake pending, HandshakeOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(pending);
        lock (_gate)
        {
            if (pending.Outcome is null)
            {
                Remove(pending, outcome);
            }
        }
    }

    /// <summary>Time since <paramref name="pending"/> was admitted.</summary>
    public TimeSpan Age(PendingHandshake pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return _time.GetElapsedTime(pending.StartedTimestamp);
    }

    private void Remove(PendingHandshake pending, HandshakeOutcome outcome)
    {
        _oldestFirst.Remove(pending.Node!);
        pending.Node = null;
        pending.Outcome = outcome;
        var left = _bySource[pending.Source] - 1;
        if (left == 0)
        {
            _bySource.Remove(pending.Source);
        }
        else
        {
            _bySource[pending.Source] = left;
        }
    }
}
