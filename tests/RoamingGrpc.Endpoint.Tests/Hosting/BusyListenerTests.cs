using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Hosting;

/// <summary>
/// Naming the listener whose address is in use from Kestrel's own failure: the path <c>roaming serve</c> takes when
/// another process takes an address after its check.
/// </summary>
public sealed class BusyListenerTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(EndpointSettings.ListenSetting)] // the metrics listener (port 0) binds first, then this one fails
    [InlineData(EndpointSettings.MetricsListenSetting)]
    public async Task FromStartFailure_AddressHeldByAnotherSocket_NamesSettingAndAddressAndHostStopsCleanly(string setting)
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var held = (IPEndPoint)holder.LocalEndpoint;
        var settings = EndpointOverrides.For(TwoEndpoints.CsoIdentity, "127.0.0.1:0", endpoints.CsoCertificates, Path.Combine(endpoints.Root, "cso.db"), "Busy", []);
        settings[EndpointSettings.MetricsListenSetting] = "127.0.0.1:0";
        settings[setting] = held.ToString();
        var log = new TestLog(output, "cso");
        await using var app = RoamingEndpointHost.Build(null, settings, logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(log);
        });

        var failure = await Assert.ThrowsAsync<IOException>(() => app.StartAsync());
        var busy = BusyListener.FromStartFailure(failure, app.Services.GetRequiredService<EndpointSettings>());
        await app.StopAsync();

        Assert.Equal(new BusyListener(setting, held), busy);
        // The host logs the failed start itself; stopping what did start adds no error (no background service cut off).
        Assert.All(log.Errors, error => Assert.Contains("Hosting failed to start", error, StringComparison.Ordinal));
    }

    [Fact]
    public void FromStartFailure_NotAnAddressInUseOfAConfiguredListener_Null()
    {
        var settings = EndpointSettings.From(new RoamingEndpointOptions { Role = "cso", PartyId = "DE*ABC", Listen = "127.0.0.1:7443" });
        var message = "Failed to bind to address https://127.0.0.1:7443: address already in use.";

        Assert.Null(BusyListener.FromStartFailure(new IOException(message), settings)); // not an address-in-use failure
        Assert.Null(BusyListener.FromStartFailure(new InvalidOperationException(message, new AddressInUseException("in use")), settings));
        Assert.Null(BusyListener.FromStartFailure(new IOException(message.Replace("7443", "74430", StringComparison.Ordinal), new AddressInUseException("in use")), settings));
        Assert.Null(BusyListener.FromStartFailure(new IOException(message.Replace("https", "http", StringComparison.Ordinal), new AddressInUseException("in use")), settings));
        Assert.Equal(
            new BusyListener(EndpointSettings.ListenSetting, IPEndPoint.Parse("127.0.0.1:7443")),
            BusyListener.FromStartFailure(new IOException(message, new AddressInUseException("in use")), settings));
    }
}
