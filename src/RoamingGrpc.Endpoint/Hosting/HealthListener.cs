using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RoamingGrpc.Endpoint.Hosting;

/// <summary>
/// The optional health listener (<c>Roaming:Health:Listen</c>): plain HTTP/2 on a loopback address, no client
/// certificate, for a load balancer or monitoring agent on the same machine. It serves <c>grpc.health.v1.Health</c>
/// only (<see cref="RoamingEndpointHost"/> refuses every other path on it), and its connections are marked, so that the
/// caller interceptor admits them to the health service without a certificate and to nothing else.
/// </summary>
internal static class HealthListener
{
    /// <summary>The path prefix of the one service served on the listener.</summary>
    public const string ServicePath = "/grpc.health.v1.Health/";

    /// <summary>Marks every connection accepted on <paramref name="listen"/> as a health listener connection.</summary>
    public static void Mark(ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        listen.Use(next => connection =>
        {
            connection.Features.Set(Connection.Instance);
            return next(connection);
        });
    }

    /// <summary>True when the request came in on the health listener.</summary>
    public static bool Serves(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Kestrel's request features fall back to the connection's features.
        return context.Features.Get<Connection>() is not null;
    }

    /// <summary>The connection feature that marks the listener's connections.</summary>
    private sealed class Connection
    {
        public static readonly Connection Instance = new();
    }
}
