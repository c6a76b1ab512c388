using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace RoamingGrpc.Reliability.Abuse;

/// <summary>
/// How the attacks reach the CSO: from a loopback source address of their own (127.0.0.2 and up; Linux routes all of
/// 127/8 to the loopback interface), so that the endpoint tells them apart from the legitimate partner (127.0.0.1) as
/// it would tell hosts apart, and trusting the roaming CA only for the server's certificate, as a partner would.
/// </summary>
internal sealed class Attacker(Uri target, X509Certificate2 roamingCa)
{
    /// <summary>The idle connection flood's source.</summary>
    public static readonly IPAddress FloodSource = IPAddress.Parse("127.0.0.2");

    /// <summary>The refused-certificate flood's source.</summary>
    public static readonly IPAddress HandshakeSource = IPAddress.Parse("127.0.0.3");

    /// <summary>The malicious registered partner's source (malformed messages, slow bodies).</summary>
    public static readonly IPAddress PartnerSource = IPAddress.Parse("127.0.0.4");

    /// <summary>The holder of the certificate that is revoked.</summary>
    public static readonly IPAddress RevokedSource = IPAddress.Parse("127.0.0.5");

    public Uri Target { get; } = target;

    /// <summary>The stalled-TLS flood's source number <paramref name="index"/> (from 0): 127.0.1.1 and up.</summary>
    public static IPAddress StallSource(int index) => new([127, 0, (byte)(1 + (index / 250)), (byte)(1 + (index % 250))]);

    /// <summary>A TCP connection to the target from <paramref name="source"/>.</summary>
    public async Task<Socket> ConnectAsync(IPAddress source, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Target.Port), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>TLS client options presenting <paramref name="certificate"/> (or none) and checking the server against the roaming CA.</summary>
    public SslClientAuthenticationOptions Tls(X509Certificate2? certificate, Action? serverRefused = null) => new()
    {
        TargetHost = Target.Host,
        ClientCertificates = certificate is null ? null : [certificate],
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = (_, server, _, errors) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(roamingCa);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            var trusted = server is X509Certificate2 leaf && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && chain.Build(leaf);
            if (!trusted)
            {
                serverRefused?.Invoke();
            }

            return trusted;
        },
    };

    /// <summary>An HTTP/2 handler whose connections come from <paramref name="source"/> with <paramref name="certificate"/>.</summary>
    public SocketsHttpHandler Handler(IPAddress source, X509Certificate2 certificate) => new()
    {
        SslOptions = Tls(certificate),
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        ConnectCallback = async (_, cancellationToken) => new NetworkStream(await ConnectAsync(source, cancellationToken).ConfigureAwait(false), ownsSocket: true),
    };

    /// <summary>A gRPC channel from <paramref name="source"/> with <paramref name="certificate"/> (one HTTP/2 connection).</summary>
    public GrpcChannel Channel(IPAddress source, X509Certificate2 certificate) =>
        GrpcChannel.ForAddress(Target, new GrpcChannelOptions { HttpHandler = Handler(source, certificate), DisposeHttpClient = true });

    /// <summary>Waits until the server closes <paramref name="socket"/> (or resets it); false when <paramref name="cancellationToken"/> came first.</summary>
    public static async Task<bool> ClosedByServerAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false) > 0)
            {
                // A server never sends anything to a connection that has not spoken TLS; discard it if it does.
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
