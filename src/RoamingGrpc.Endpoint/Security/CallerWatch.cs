using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// The caller of one open long-lived call (a stream), kept under watch by <see cref="CallerWatches"/>: while the
/// caller would still be admitted to a new call, <see cref="Token"/> stays uncancelled; once it would not (its
/// certificate revoked or expired, ...), <see cref="Refusal"/> holds the refusal a new call would get and
/// <see cref="Token"/> is cancelled.
/// </summary>
internal sealed class CallerWatch : IDisposable
{
    private readonly CallerWatches _owner;
    private readonly CancellationTokenSource _refused = new();
    private readonly Lock _gate = new();
    private RoamingException? _refusal;
    private bool _disposed;

    internal CallerWatch(CallerWatches owner, X509Certificate2 certificate, CallersAttribute? callers, string method, PartyIdentity caller)
    {
        _owner = owner;
        Certificate = certificate;
        Callers = callers;
        Method = method;
        Caller = caller;
        Token = _refused.Token;
    }

    /// <summary>The certificate the call was authorized with (its connection's).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Who the called service admits.</summary>
    public CallersAttribute? Callers { get; }

    /// <summary>The call's method, e.g. <c>/roaminggrpc.roaming.v1.EvseStatusService/WatchEvseStatus</c>.</summary>
    public string Method { get; }

    /// <summary>The caller the call was authorized as.</summary>
    public PartyIdentity Caller { get; }

    /// <summary>Cancelled when the caller is refused.</summary>
    public CancellationToken Token { get; }

    /// <summary>Why the caller is no longer admitted, or null while it is.</summary>
    public RoamingException? Refusal
    {
        get
        {
            lock (_gate)
            {
                return _refusal;
            }
        }
    }

    /// <summary>The timer that re-checks the caller when its certificate expires.</summary>
    internal ITimer? ExpiryTimer { get; set; }

    /// <summary>Throws the refusal, if the caller was refused.</summary>
    public void ThrowIfRefused()
    {
        if (Refusal is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>Records the refusal and cancels <see cref="Token"/>; false when refused before or no longer watched.</summary>
    internal bool Refuse(RoamingException refusal)
    {
        lock (_gate)
        {
            if (_disposed || _refusal is not null)
            {
                return false;
            }

            _refusal = refusal;
            // The re-check runs on a timer, or on the thread of another call that saw the revocation list change: the
            // call's own code, woken by the cancellation, continues on the thread pool, not there.
            _ = _refused.CancelAsync();
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        ExpiryTimer?.Dispose();
        _owner.Forget(this);
        if (Refusal is null)
        {
            // A refused watch keeps its source: its cancellation callbacks may still be running on the thread pool, and
            // a source without timer or wait handle holds nothing but memory.
            _refused.Dispose();
        }
    }
}
