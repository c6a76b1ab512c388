using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Partners;

/// <summary>
/// Per-partner reachability of this endpoint's own calls (handshakes, durable pushes, token lists, the status
/// subscription), fed by each of them: when did we last try, last succeed, how many failures in a row, and why the
/// latest failed. A partner whose calls have failed for <see cref="HandshakeOptions.UnreachableAfter"/>, at least
/// <see cref="MinFailures"/> times in a row, is marked <see cref="ReachabilityState.Unreachable"/>: the delivery loops
/// stop calling it (nothing queued is lost), and only a handshake probes it, every
/// <see cref="HandshakeOptions.UnreachableProbeInterval"/>; a successful handshake (the probe, the operator's
/// RunHandshake) makes it reachable again, and the partner's own new handshake gives every loop one more try. Kept in
/// memory: a restart starts every partner afresh.
/// </summary>
internal sealed partial class ReachabilityTracker(IOptions<HandshakeOptions> options, TimeProvider clock, ILogger<ReachabilityTracker> logger)
{
    /// <summary>Fewest failures in a row that mark a partner unreachable, however short <see cref="HandshakeOptions.UnreachableAfter"/> is.</summary>
    public const int MinFailures = 3;

    private readonly Lock _gate = new();
    private readonly Dictionary<PartyIdentity, Reachability> _partners = [];

    /// <summary>Raised (outside any lock) when a partner has just been marked unreachable.</summary>
    public event Action<PartyIdentity>? BecameUnreachable;

    /// <summary>What is known of <paramref name="partner"/> (<see cref="ReachabilityState.Unknown"/> when never called).</summary>
    public Reachability Of(PartyIdentity partner)
    {
        lock (_gate)
        {
            return _partners.GetValueOrDefault(partner) ?? Reachability.Unknown(partner);
        }
    }

    /// <summary>Every partner marked unreachable.</summary>
    public IReadOnlyList<Reachability> Unreachable
    {
        get
        {
            lock (_gate)
            {
                return [.. _partners.Values.Where(entry => entry.State == ReachabilityState.Unreachable)];
            }
        }
    }

    /// <summary>True when automatic calls to <paramref name="partner"/> are stopped.</summary>
    public bool IsUnreachable(PartyIdentity partner) => Of(partner).State == ReachabilityState.Unreachable;

    /// <summary>A call reached <paramref name="partner"/> and was answered: it is reachable, its failures are forgotten.</summary>
    public void Succeeded(PartyIdentity partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var now = clock.GetUtcNow();
        Reachability before;
        lock (_gate)
        {
            before = _partners.GetValueOrDefault(partner) ?? Reachability.Unknown(partner);
            _partners[partner] = new Reachability(partner, ReachabilityState.Reachable, now, now, 0, null, string.Empty, string.Empty, null);
        }

        if (before.IsFailing && before.ConsecutiveFailures >= MinFailures)
        {
            // Also after a revival (failing again, its failures kept): the operator saw it marked unreachable.
            Log.ReachableAgain(logger, partner, before.ConsecutiveFailures);
        }
    }

    /// <summary>
    /// A call to <paramref name="partner"/> failed with <paramref name="code"/> (a gRPC status name); the caller retries
    /// in <paramref name="retryIn"/> (null: no automatic retry, e.g. the operator's handshake). Returns the new state.
    /// </summary>
    public Reachability Failed(PartyIdentity partner, string code, string message, TimeSpan? retryIn)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var now = clock.GetUtcNow();
        var settings = options.Value;
        Reachability before;
        Reachability after;
        lock (_gate)
        {
            before = _partners.GetValueOrDefault(partner) ?? Reachability.Unknown(partner);
            var failures = before.ConsecutiveFailures + 1;
            var since = before.FailingSinceTime ?? now;
            var unreachable = before.State == ReachabilityState.Unreachable
                || (failures >= MinFailures && now - since >= settings.UnreachableAfter);
            var next = unreachable ? now + settings.UnreachableProbeInterval : retryIn is { } wait ? now + wait : before.NextAttemptTime;
            after = new Reachability(
                partner,
                unreachable ? ReachabilityState.Unreachable : ReachabilityState.Failing,
                now,
                before.LastSuccessTime,
                failures,
                since,
                code,
                message,
                next);
            _partners[partner] = after;
        }

        if (after.State == ReachabilityState.Unreachable && before.State != ReachabilityState.Unreachable)
        {
            Log.Unreachable(logger, partner, after.ConsecutiveFailures, since: after.FailingSinceTime!.Value, code, message, settings.UnreachableProbeInterval);
            BecameUnreachable?.Invoke(partner);
        }

        return after;
    }

    /// <summary>
    /// The partner made a new handshake with us: an unreachable partner gets one more try from every loop (its
    /// failures are kept, so that one more failure marks it unreachable again).
    /// </summary>
    public void Revive(PartyIdentity partner)
    {
        ArgumentNullException.ThrowIfNull(partner);
        lock (_gate)
        {
            if (_partners.TryGetValue(partner, out var current) && current.State == ReachabilityState.Unreachable)
            {
                _partners[partner] = current with { State = ReachabilityState.Failing, NextAttemptTime = clock.GetUtcNow() };
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Partners.Unreachable, Level = LogLevel.Warning, Message = "Partner {Partner} is unreachable: {Failures} calls in a row failed since {Since}, the latest {Code}: {Detail}. Automatic handshakes and pushes stop (queued pushes are kept); a handshake probes it every {ProbeInterval}, and the operator's RunHandshake or the partner's own handshake tries again")]
        public static partial void Unreachable(ILogger logger, PartyIdentity partner, int failures, DateTimeOffset since, string code, string detail, TimeSpan probeInterval);

        [LoggerMessage(EventId = LogEvents.Partners.ReachableAgain, Level = LogLevel.Information, Message = "Partner {Partner} is reachable again after {Failures} failed calls")]
        public static partial void ReachableAgain(ILogger logger, PartyIdentity partner, int failures);
    }
}
