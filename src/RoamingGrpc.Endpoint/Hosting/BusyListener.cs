using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// A configured listener whose address another process holds, named by its setting (<c>Roaming:Listen</c>,
/// <c>Roaming:Metrics:Listen</c> or <c>Roaming:Health:Listen</c>), so that <c>roaming serve</c> can say which setting to change instead of ending with
/// Kestrel's stack trace.
/// </summary>
internal sealed record BusyListener(string Setting, IPEndPoint Address)
{
    /// <summary>
    /// Binds each configured address once, as Kestrel will, and returns the first one in use; null when none is.
    /// Run before the host starts, a busy port is reported before the database is migrated or a partner is called,
    /// and without the host's own error log of a failed start.
    /// </summary>
    public static BusyListener? Probe(EndpointSettings settings)
    {
        foreach (var (listener, _) in Configured(settings))
        {
            if (listener.Address.Port == 0)
            {
                continue; // Kestrel picks a free port
            }

            using var socket = new Socket(listener.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (listener.Address.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true; // as Kestrel binds [::]
            }

            try
            {
                socket.Bind(listener.Address);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                return listener;
            }
        }

        return null;
    }

    /// <summary>
    /// The listener Kestrel could not bind because its address is in use (another process took it after
    /// <see cref="Probe"/>), read from the exception of the failed start; null for every other failure, which the
    /// caller lets propagate.
    /// </summary>
    public static BusyListener? FromStartFailure(Exception exception, EndpointSettings settings)
    {
        if (exception is not IOException { InnerException: AddressInUseException } bindFailure)
        {
            return null;
        }

        // AddressInUseException carries no address. Kestrel names the endpoint it failed to bind in the message, in
        // its display form (http://127.0.0.1:9464, https://127.0.0.1:7443): the scheme tells the two listeners apart
        // even on one port, the port must not run on into more digits.
        return Configured(settings).Where(candidate => Names(bindFailure.Message, candidate.DisplayName)).Select(candidate => candidate.Listener).FirstOrDefault();
    }

    // In the order KestrelSetup adds them, which is the order Kestrel binds them in.
    private static IEnumerable<(BusyListener Listener, string DisplayName)> Configured(EndpointSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.MetricsListen is { } metrics)
        {
            yield return (new BusyListener(EndpointSettings.MetricsListenSetting, metrics), $"http://{metrics}");
        }

        if (settings.HealthListen is { } health)
        {
            yield return (new BusyListener(EndpointSettings.HealthListenSetting, health), $"http://{health}");
        }

        yield return (new BusyListener(EndpointSettings.ListenSetting, settings.Listen), $"https://{settings.Listen}");
    }

    private static bool Names(string message, string displayName)
    {
        var at = message.IndexOf(displayName, StringComparison.Ordinal);
        var end = at + displayName.Length;
        return at >= 0 && (end == message.Length || !char.IsAsciiDigit(message[end]));
    }
}
