using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Limits;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Limits;

/// <summary>
/// Connections that never complete TLS: they are capped per source and in all, closed after the handshake timeout, and
/// never keep a partner out. Sources other than the partner's are other loopback addresses (127.0.0.2 and up).
/// </summary>
public sealed class ConnectionAdmissionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Connect_IdleConnectionsFromOtherSources_PartnerCallSucceedsAndExcessClosed()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync();
        await endpoints.StartCsoAsync(endpoints.Csp.Url, new Dictionary<string, string?>
        {
            ["Roaming:Limits:MaxConcurrentConnections"] = "150",
            ["Roaming:Limits:MaxUnauthenticatedConnections"] = "100",
            ["Roaming:Limits:MaxUnauthenticatedPerAddress"] = "20",
            ["Roaming:Limits:TlsHandshakeTimeout"] = "00:01:00", // the idle connections stay unless the caps close them
        });
        using var timeout = new CancellationTokenSource(Deadline);
        var sources = Enumerable.Range(2, 6).Select(last => new IPAddress([127, 0, 0, (byte)last])).ToList();
        var idle = new List<Socket>();
        try
        {
            // 6 sources x 50 connections that never send a ClientHello: 300, against 20 per source and 100 in all.
            foreach (var source in sources)
            {
                for (var i = 0; i < 50; i++)
                {
                    idle.Add(await ConnectAsync(source, endpoints.Cso, timeout.Token));
                }
            }

            var closed = idle.Select(socket => ClosedByServerAsync(socket, timeout.Token)).ToList();
            var clock = Stopwatch.StartNew();
            var partner = new PlatformService.PlatformServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
            var info = await partner.GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.AddSeconds(10));
            output.WriteLine($"partner call answered after {clock.ElapsedMilliseconds} ms");
            await TwoEndpoints.WaitUntilAsync(() => closed.Count(task => task.IsCompletedSuccessfully && task.Result) >= 200, Deadline, "the server closed the 200 connections past the caps");
            var admission = endpoints.Cso.Services.GetRequiredService<ConnectionAdmission>();

            Assert.Equal("DE*ABC", info.Platform.PartyId);
            Assert.InRange(admission.Pending, 1, 100);
            Assert.All(sources, source => Assert.InRange(admission.PendingFrom(source.ToString()), 0, 20));
            // Each source's refusals are logged once; the rest wait for the per-source summary.
            Assert.All(sources, source => Assert.InRange(endpoints.Cso.Log.Lines.Count(line => line.Contains($"from {source} ", StringComparison.Ordinal)), 1, 1));
        }
        finally
        {
            // Before the endpoints stop: Kestrel would wait for handshakes in progress.
            idle.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task Connect_NoClientHello_ClosedAfterTheHandshakeTimeout()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync(extra: new Dictionary<string, string?> { ["Roaming:Limits:TlsHandshakeTimeout"] = "00:00:00.500" });
        using var timeout = new CancellationTokenSource(Deadline);

        var clock = Stopwatch.StartNew();
        using var socket = await ConnectAsync(IPAddress.Loopback, endpoints.Csp, timeout.Token);
        var closed = await ClosedByServerAsync(socket, timeout.Token);
        var after = clock.Elapsed;
        output.WriteLine($"closed after {after.TotalMilliseconds:F0} ms");
        await TwoEndpoints.WaitUntilAsync(() => endpoints.Csp.Log.Lines.Any(line => line.Contains("handshake_timeout", StringComparison.Ordinal)), Deadline, "the timeout is logged");

        Assert.True(closed, "the server closed the connection");
        // Not before the timeout (the server's clock starts after ours); far from Kestrel's default of 10 s.
        Assert.InRange(after, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(5));
    }

    private static async Task<Socket> ConnectAsync(IPAddress source, RunningEndpoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, target.Url.Port), cancellationToken);
        return socket;
    }

    // True once the server closed the connection (end of stream or reset); false if the test gave up first.
    private static async Task<bool> ClosedByServerAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[16];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) == 0;
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
