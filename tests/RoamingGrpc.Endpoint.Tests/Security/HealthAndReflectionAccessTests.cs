using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using V1Reflection = Grpc.Reflection.V1;

namespace RoamingGrpc.Endpoint.Tests.Security;

/// <summary>
/// gRPC health and server reflection answer only parties the endpoint deals with: its configured partners (before
/// their handshake too, so that a partner's monitoring may ask first) and its own back office. A load balancer on the
/// same machine asks the optional loopback health listener, which needs no certificate and serves nothing else.
/// </summary>
public sealed class HealthAndReflectionAccessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task HealthAndReflection_CertifiedPartyWithoutAgreement_PermissionDeniedUnknownParty()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var stranger = endpoints.Channel(endpoints.Pki.Issue("stranger-csp", PartyRole.Csp, "FR-ZZZ"), PartyIdentity.Create(PartyRole.Csp, "FR-ZZZ"), endpoints.Cso);

        var errors = await RefusalsAsync(stranger);

        Assert.All(errors, error => Assert.Equal(StatusCode.PermissionDenied, error.StatusCode));
        Assert.All(errors, error => Assert.Equal("UNKNOWN_PARTY", ChargingNetwork.ReasonOf(error)));
    }

    [Fact]
    public async Task HealthAndReflection_BackofficeOfAnotherParty_PermissionDeniedRoleNotAllowed()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var foreignBackoffice = endpoints.Channel(
            endpoints.Pki.Issue("csp-backoffice", PartyRole.Backoffice, "DE-8EO"), PartyIdentity.Create(PartyRole.Backoffice, "DE-8EO"), endpoints.Cso);

        var errors = await RefusalsAsync(foreignBackoffice);

        Assert.All(errors, error => Assert.Equal(StatusCode.PermissionDenied, error.StatusCode));
        Assert.All(errors, error => Assert.Equal("ROLE_NOT_ALLOWED", ChargingNetwork.ReasonOf(error)));
    }

    [Fact]
    public async Task HealthAndReflection_ConfiguredPartnerBeforeHandshakeAndOwnBackoffice_Answered()
    {
        // Only the CSO runs; its CSP partner is configured but has never completed a handshake.
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCsoAsync(new Uri($"https://127.0.0.1:{TwoEndpoints.FreePort()}"));
        var partner = endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso);
        var backoffice = endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"), PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"), endpoints.Cso);

        foreach (var channel in new[] { partner, backoffice })
        {
            var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Deadline));
            var services = await ListServicesAsync(channel);
            var servicesV1 = await ListServicesV1Async(channel);

            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
            Assert.Contains("roaminggrpc.roaming.v1.PlatformService", services);
            Assert.Contains("grpc.health.v1.Health", services);
            Assert.Equal(services.Order(StringComparer.Ordinal), servicesV1.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task HealthListener_LoopbackWithoutClientCertificate_AnswersHealthOnly()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCsoAsync(
            new Uri($"https://127.0.0.1:{TwoEndpoints.FreePort()}"),
            new Dictionary<string, string?> { ["Roaming:Health:Listen"] = "127.0.0.1:0" });
        var addresses = endpoints.Cso.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var healthAddress = Assert.Single(addresses, address => address.StartsWith("http://", StringComparison.Ordinal));
        // Plain HTTP/2 (prior knowledge), no client certificate: what a local load balancer's gRPC health probe does.
        using var channel = GrpcChannel.ForAddress(healthAddress);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Deadline));
        var platform = await Assert.ThrowsAsync<RpcException>(async () =>
            await new PlatformService.PlatformServiceClient(channel).GetPlatformInfoAsync(new GetPlatformInfoRequest(), deadline: DateTime.UtcNow.Add(Deadline)));
        var reflection = await Assert.ThrowsAsync<RpcException>(() => ListServicesAsync(channel));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(StatusCode.Unimplemented, platform.StatusCode);
        Assert.Equal(StatusCode.Unimplemented, reflection.StatusCode);
    }

    // Health.Check, Health.Watch and both reflection versions, each expected to fail.
    private static async Task<List<RpcException>> RefusalsAsync(GrpcChannel channel)
    {
        var health = new Health.HealthClient(channel);
        var errors = new List<RpcException>
        {
            await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Deadline))),
            await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var watch = health.Watch(new HealthCheckRequest(), deadline: DateTime.UtcNow.Add(Deadline));
                await watch.ResponseStream.MoveNext(CancellationToken.None);
            }),
            // The reflection calls are refused when they start: the refusal is read without writing a request first,
            // since a write racing the server's end of the call fails on the client side (CANCELLED) instead.
            await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.Add(Deadline));
                await call.ResponseStream.MoveNext(CancellationToken.None);
            }),
            await Assert.ThrowsAsync<RpcException>(async () =>
            {
                using var call = new V1Reflection.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.Add(Deadline));
                await call.ResponseStream.MoveNext(CancellationToken.None);
            }),
        };
        return errors;
    }

    private static async Task<List<string>> ListServicesAsync(GrpcChannel channel)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        List<string> services = [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name)];
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None), "the server ends the call after the client's last request");
        return services;
    }

    private static async Task<List<string>> ListServicesV1Async(GrpcChannel channel)
    {
        using var call = new V1Reflection.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(deadline: DateTime.UtcNow.Add(Deadline));
        await call.RequestStream.WriteAsync(new V1Reflection.ServerReflectionRequest { ListServices = string.Empty });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        List<string> services = [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(service => service.Name)];
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None), "the server ends the call after the client's last request");
        return services;
    }
}
