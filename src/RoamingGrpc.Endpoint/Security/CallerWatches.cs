using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Re-checks the callers of open long-lived calls, which are authorized when they start and would otherwise outlive
/// their certificate: each watched caller is authorized again (<see cref="CallerAuthorizer.Authorize"/>, as its next
/// call would be) when the revocation list changes, when its certificate expires (a timer on the endpoint's clock),
/// and every <see cref="StreamOptions.HeartbeatInterval"/> at the latest (for anything without a signal of its own).
/// A caller that would be refused has its watch cancelled with the refusal (<see cref="CallerWatch"/>), which ends the
/// call with it.
/// </summary>
internal sealed partial class CallerWatches : IDisposable
{
    // X.509 validity is to the second and inclusive of NotAfter; the timer fires after it.
    private static readonly TimeSpan PastExpiry = TimeSpan.FromSeconds(1);

    // A timer's due time is at most about 49.7 days (milliseconds in 32 bits); certificates last a year or more, so an
    // expiry further away is reached in steps of this length.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(45);

    private readonly ConcurrentDictionary<CallerWatch, byte> _open = new();
    private readonly CallerAuthorizer _authorizer;
    private readonly TimeProvider _clock;
    private readonly ILogger<CallerWatches> _logger;
    private readonly IDisposable _revocations;
    private readonly ITimer _tick;

    public CallerWatches(CallerAuthorizer authorizer, RevocationList revocations, TimeProvider clock, IOptions<StreamOptions> streams, ILogger<CallerWatches> logger)
    {
        ArgumentNullException.ThrowIfNull(revocations);
        ArgumentNullException.ThrowIfNull(streams);
        _authorizer = authorizer;
        _clock = clock;
        _logger = logger;
        _revocations = ChangeToken.OnChange(revocations.GetChangeToken, RecheckAll);
        var interval = streams.Value.HeartbeatInterval;
        _tick = clock.CreateTimer(_ => RecheckAll(), null, interval, interval);
    }

    /// <summary>Starts watching the caller of a call just authorized; dispose the watch when the call ends.</summary>
    public CallerWatch Watch(X509Certificate2 certificate, CallersAttribute? callers, string method, PartyIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var watch = new CallerWatch(this, certificate, callers, method, caller);
        _open.TryAdd(watch, 0);
        ArmExpiry(watch);
        return watch;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _revocations.Dispose();
        _tick.Dispose();
    }

    internal void Forget(CallerWatch watch) => _open.TryRemove(watch, out _);

    /// <summary>Sets the watch's timer to its certificate's expiry, or to the longest step towards it.</summary>
    private void ArmExpiry(CallerWatch watch)
    {
        watch.ExpiryTimer?.Dispose();
        var expiresIn = watch.Certificate.NotAfter.ToUniversalTime() + PastExpiry - _clock.GetUtcNow();
        watch.ExpiryTimer = expiresIn > LongestTimer
            ? _clock.CreateTimer(_ => ArmExpiry(watch), null, LongestTimer, Timeout.InfiniteTimeSpan)
            : _clock.CreateTimer(_ => Recheck(watch), null, expiresIn > TimeSpan.Zero ? expiresIn : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        if (!_open.ContainsKey(watch))
        {
            // The call ended while the timer was being set (its watch disposed the timer it knew of): this one goes too.
            watch.ExpiryTimer.Dispose();
        }
    }

    private void RecheckAll()
    {
        foreach (var watch in _open.Keys)
        {
            Recheck(watch);
        }
    }

    private void Recheck(CallerWatch watch)
    {
        if (watch.Refusal is not null)
        {
            return;
        }

        try
        {
            _authorizer.Authorize(watch.Certificate, watch.Callers, watch.Method);
        }
        catch (RoamingException refusal)
        {
            if (watch.Refuse(refusal))
            {
                Log.Refused(_logger, watch.Method, watch.Caller.ToString(), RoamingErrors.ReasonName(refusal.Reason), refusal.Message);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Calls.CallerRefused, Level = LogLevel.Warning, Message = "Ending the open call {Method} of {Caller}: {Reason}, {Detail}")]
        public static partial void Refused(ILogger logger, string method, string caller, string reason, string detail);
    }
}
