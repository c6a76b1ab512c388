using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// The connection middleware of the partner listener, around Kestrel's TLS: <see cref="BeforeTlsAsync"/> admits a new
/// connection to the handshake (<see cref="ConnectionAdmission"/>) or closes it at once, <see cref="AfterTls"/> takes an
/// authenticated one out of the count, and every connection that ends without authenticating is counted and logged
/// through the <see cref="RefusalLog"/> with its reason: certificate refused (<see cref="CertificateRefused"/>, called
/// by the certificate callback), handshake timed out, handshake failed, or closed to make room.
/// </summary>
internal sealed partial class TlsAdmission(ConnectionAdmission admission, RefusalLog refusals, IOptions<LimitsOptions> limits, ILogger<TlsAdmission> logger)
{
    // Kestrel ends a handshake at its timeout without saying so; one that ended this close to it counts as timed out.
    // Timers run on a coarse clock (milliseconds, on Linux the scheduler tick) and may fire a little before the
    // timeout as a precise clock measures it.
    private static readonly TimeSpan TimerSlack = TimeSpan.FromMilliseconds(50);

    private readonly TimeSpan _handshakeTimeout = limits.Value.TlsHandshakeTimeout;

    /// <summary>Runs before TLS, for the connection's whole life.</summary>
    public async Task BeforeTlsAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(next);
        var source = SourceAddress.Of(connection.RemoteEndPoint);
        var pending = admission.TryAdmit(connection, source, out var evicted);
        if (evicted is not null)
        {
            Refused(evicted.Source, RefusalReason.Evicted);
        }

        if (pending is null)
        {
            Refused(source, RefusalReason.TooManyFromAddress);
            return; // Kestrel closes a connection whose middleware returns
        }

        connection.Features.Set(pending);
        PendingHandshake.Current = pending;
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            var age = admission.Age(pending);
            admission.Release(pending, HandshakeOutcome.Ended);
            if (pending.Outcome == HandshakeOutcome.Ended && !pending.CertificateRefused)
            {
                Refused(source, age + TimerSlack >= _handshakeTimeout ? RefusalReason.HandshakeTimedOut : RefusalReason.HandshakeFailed);
            }
        }
    }

    /// <summary>Runs once TLS completed with a client certificate the validator accepted.</summary>
    public Task AfterTls(ConnectionContext connection, ConnectionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(next);
        if (connection.Features.Get<PendingHandshake>() is { } pending)
        {
            admission.Release(pending, HandshakeOutcome.Authenticated);
            PendingHandshake.Current = null;
        }

        return next(connection);
    }

    /// <summary>Counts and (once per source and interval) logs a client certificate refused in the handshake running on this flow.</summary>
    public void CertificateRefused(string subject, PeerCertificateProblem problem, string detail)
    {
        var pending = PendingHandshake.Current;
        var source = pending?.Source ?? "unknown";
        if (pending is not null)
        {
            pending.CertificateRefused = true;
        }

        if (refusals.Record(source, RefusalReason.CertificateRefused))
        {
            Log.ClientRefused(logger, subject, source, problem, detail, refusals.Interval);
        }
    }

    private void Refused(string source, RefusalReason reason)
    {
        if (!refusals.Record(source, reason))
        {
            return;
        }

        var name = reason.Name();
        if (reason.IsQuiet())
        {
            Log.HandshakeIncomplete(logger, source, name, refusals.Interval);
        }
        else
        {
            Log.ConnectionRefused(logger, source, name, refusals.Interval);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Tls.ClientRefused, Level = LogLevel.Warning, Message = "TLS handshake refused for client {Subject} from {Source}: {Problem}, {Detail}; further refusals from this source are summarized every {Interval}")]
        public static partial void ClientRefused(ILogger logger, string subject, string source, PeerCertificateProblem problem, string detail, TimeSpan interval);

        [LoggerMessage(EventId = LogEvents.Limits.ConnectionRefused, Level = LogLevel.Warning, Message = "Connection from {Source} closed in the TLS handshake: {Reason}; further refusals from this source are summarized every {Interval}")]
        public static partial void ConnectionRefused(ILogger logger, string source, string reason, TimeSpan interval);

        [LoggerMessage(EventId = LogEvents.Limits.HandshakeIncomplete, Level = LogLevel.Information, Message = "Connection from {Source} ended without completing TLS: {Reason}; further refusals from this source are summarized every {Interval}")]
        public static partial void HandshakeIncomplete(ILogger logger, string source, string reason, TimeSpan interval);
    }
}
