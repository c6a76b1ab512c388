using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Platform;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Partners;
using PartnerStatus = RoamingGrpc.Domain.Parties.PartnerStatus;

namespace RoamingGrpc.Endpoint.Tests.Features.Platform;

/// <summary>UC1-1 between two real endpoints over mutual TLS.</summary>
public sealed class HandshakeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_TwoEndpointsKnowingEachOther_HandshakeBothWaysAndPersistBoth()
    {
        await using var endpoints = await TwoEndpoints.StartAsync(output);
        var csoDirectory = endpoints.Cso.Services.GetRequiredService<PartnerDirectory>();
        var cspDirectory = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();

        await TwoEndpoints.WaitUntilAsync(
            () => BothWays(csoDirectory.Find(TwoEndpoints.CspIdentity)) && BothWays(cspDirectory.Find(TwoEndpoints.CsoIdentity)),
            Deadline,
            "both endpoints recorded an inbound and an outbound handshake");

        var csoRepository = endpoints.Cso.Services.GetRequiredService<IPartnerRepository>();
        var cspAtCso = await csoRepository.FindAsync(TwoEndpoints.CspIdentity, CancellationToken.None);
        Assert.NotNull(cspAtCso);
        Assert.Equal(PartnerStatus.Registered, cspAtCso.Status);
        Assert.Equal(endpoints.Csp.Url.ToString().TrimEnd('/'), cspAtCso.EndpointUrl);
        Assert.Contains(cspAtCso.UseCases, useCase => useCase.Code == "UC1-1" && useCase.Versions.SequenceEqual(["v1"]));

        var cspRepository = endpoints.Csp.Services.GetRequiredService<IPartnerRepository>();
        var csoAtCsp = await cspRepository.FindAsync(TwoEndpoints.CsoIdentity, CancellationToken.None);
        Assert.NotNull(csoAtCsp);
        Assert.Equal(endpoints.Cso.Url.ToString().TrimEnd('/'), csoAtCsp.EndpointUrl);
        Assert.Equal("Test cso:DE*ABC", csoAtCsp.DisplayName);

        // The registry is in the SQLite file, not only in memory.
        Assert.Contains("csp|DE-8EO|" + endpoints.Csp.Url.ToString().TrimEnd('/') + "|registered", DatabaseSnapshot.Partners(endpoints.Cso.Database), StringComparison.Ordinal);
        Assert.Contains("cso|DE*ABC|" + endpoints.Cso.Url.ToString().TrimEnd('/') + "|registered", DatabaseSnapshot.Partners(endpoints.Csp.Database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Handshake_SameRequestIdTwice_SecondGetsSameResponseAndNoSecondEffect()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var client = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        var request = HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "retry-1");

        var first = await client.HandshakeAsync(request, deadline: DateTime.UtcNow.Add(Deadline));
        var partnersAfterFirst = DatabaseSnapshot.Partners(endpoints.Cso.Database);
        var second = await client.HandshakeAsync(request, deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal(first, second);
        Assert.Equal(Role.Cso, first.Platform.Role);
        Assert.Equal("DE*ABC", first.Platform.PartyId);
        Assert.Equal("DE-8EO", first.Registration.PartyId);
        Assert.Equal(partnersAfterFirst, DatabaseSnapshot.Partners(endpoints.Cso.Database));
    }

    [Fact]
    public async Task Handshake_SameRequestIdDifferentPayload_AlreadyExistsRequestIdReused()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var client = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        await client.HandshakeAsync(HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "reuse-1"), deadline: DateTime.UtcNow.Add(Deadline));
        var partnersBefore = DatabaseSnapshot.Partners(endpoints.Cso.Database);

        var changed = HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "reuse-1");
        changed.Caller.DisplayName = "Another name";
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.HandshakeAsync(changed, deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Equal("REQUEST_ID_REUSED", ReasonOf(error));
        Assert.Equal(partnersBefore, DatabaseSnapshot.Partners(endpoints.Cso.Database));
    }

    [Fact]
    public async Task Handshake_RepeatedWithSameDetails_UnchangedThenChangedDetailsUpdated()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var csoDirectory = endpoints.Cso.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => csoDirectory.IsRegistered(TwoEndpoints.CspIdentity), Deadline, "the CSP is registered at the CSO");
        var client = new PlatformService.PlatformServiceClient(
            endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));

        var same = await client.HandshakeAsync(HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "again-1"), deadline: DateTime.UtcNow.Add(Deadline));
        var renamed = HandshakeFrom(TwoEndpoints.CspIdentity, endpoints.Csp.Url, "again-2");
        renamed.Caller.DisplayName = "Renamed CSP";
        var updated = await client.HandshakeAsync(renamed, deadline: DateTime.UtcNow.Add(Deadline));

        Assert.Equal(Contracts.V1.RegistrationOutcome.Unchanged, same.Registration.Outcome);
        Assert.Equal(Contracts.V1.RegistrationOutcome.Updated, updated.Registration.Outcome);
        Assert.Equal("Renamed CSP", updated.Registration.DisplayName);
        var stored = await endpoints.Cso.Services.GetRequiredService<IPartnerRepository>().FindAsync(TwoEndpoints.CspIdentity, CancellationToken.None);
        Assert.Equal("Renamed CSP", stored!.DisplayName);
        Assert.True(updated.Registration.UpdateTime.ToDateTimeOffset() >= same.Registration.UpdateTime.ToDateTimeOffset());
    }

    [Fact]
    public async Task Start_PartnerDown_RetriesWithBackoffUntilItComesUp()
    {
        await using var endpoints = TwoEndpoints.Prepare(output);
        var port = TwoEndpoints.FreePort();
        var cso = await endpoints.StartCsoAsync(new Uri($"https://127.0.0.1:{port}"));
        await TwoEndpoints.WaitUntilAsync(
            () => cso.Log.Lines.Count(line => line.Contains("not reachable", StringComparison.Ordinal)) >= 2,
            Deadline,
            "the CSO failed to reach the CSP at least twice");

        await endpoints.StartCspAsync($"127.0.0.1:{port}");

        var csoDirectory = cso.Services.GetRequiredService<PartnerDirectory>();
        var cspDirectory = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(
            () => BothWays(csoDirectory.Find(TwoEndpoints.CspIdentity)) && BothWays(cspDirectory.Find(TwoEndpoints.CsoIdentity)),
            Deadline,
            "the CSO's retries reached the CSP once it came up, and the CSP registered back");
    }

    internal static HandshakeRequest HandshakeFrom(PartyIdentity identity, Uri url, string requestId) => new()
    {
        RequestId = requestId,
        Caller = new PlatformInfo
        {
            PartyId = identity.PartyId,
            Role = identity.Role == PartyRole.Cso ? Role.Cso : Role.Csp,
            EndpointUrl = url.ToString().TrimEnd('/'),
            DisplayName = $"Test {identity}",
            UseCases =
            {
                LiveUseCases.For(identity.Role).Select(useCase => new UseCaseSupport
                {
                    UseCase = (UseCase)useCase.Number,
                    Versions = { LiveUseCases.ContractVersion },
                }),
            },
        },
    };

    internal static string? ReasonOf(RpcException error) => error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason;

    private static bool BothWays(Domain.Parties.Partner? partner) =>
        partner is { Status: PartnerStatus.Registered, InboundHandshakeTime: not null, OutboundHandshakeTime: not null };
}
