using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Tests.Features.Support;

/// <summary>Clients and helpers of the UC5 tests on a <see cref="ChargingNetwork"/>.</summary>
internal static class SupportCalls
{
    /// <summary>Sweeps maintenance notices often, so that a moved clock shows at once.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastSweep = new Dictionary<string, string?>
    {
        ["Roaming:Support:MaintenanceSweepInterval"] = "00:00:00.100",
    };

    /// <summary>SupportService of the CSO, called as DE-8EO.</summary>
    public static SupportService.SupportServiceClient Support(ChargingNetwork network) =>
        new(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso));

    /// <summary>SupportService of the CSO, called as FR-ZZZ.</summary>
    public static SupportService.SupportServiceClient OtherSupport(ChargingNetwork network) =>
        new(network.Endpoints.Channel(network.OtherCertificates, ChargingNetwork.OtherCsp, network.Endpoints.Cso));

    /// <summary>EvseStatusService of the CSO, called as DE-8EO.</summary>
    public static EvseStatusService.EvseStatusServiceClient Statuses(ChargingNetwork network) =>
        new(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso));

    /// <summary>Publishes the network's site again with UNLOCK_CAPABLE on its first EVSE only.</summary>
    public static async Task MakeFirstEvseUnlockCapableAsync(ChargingNetwork network)
    {
        var site = TestSites.Create(ChargingNetwork.SiteId);
        foreach (var connector in site.Evses.SelectMany(evse => evse.Connectors))
        {
            connector.TariffIds.Add(ChargingNetwork.TariffId);
        }

        site.Evses.Single(evse => evse.EvseId == ChargingNetwork.EvseId).Capabilities.Add(EvseCapability.UnlockCapable);
        await network.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "unlock-capable", Site = site }, deadline: ChargingNetwork.Soon());
    }

    /// <summary>The CSO's published status of each of the network's EVSEs, as ListEvseStatuses gives it to DE-8EO.</summary>
    public static async Task<Dictionary<string, EvseStatusEvent>> CsoStatusesAsync(ChargingNetwork network)
    {
        var listed = await Statuses(network).ListEvseStatusesAsync(new ListEvseStatusesRequest { SiteIds = { ChargingNetwork.SiteId } }, deadline: ChargingNetwork.Soon());
        return listed.EvseStatuses.ToDictionary(status => status.EvseId);
    }

    /// <summary>Waits until the CSO publishes these statuses for the network's two EVSEs; returns them.</summary>
    public static async Task<Dictionary<string, EvseStatusEvent>> CsoStatusesBecomeAsync(ChargingNetwork network, EvseStatus first, EvseStatus second)
    {
        var deadline = DateTime.UtcNow + ChargingNetwork.Deadline;
        while (true)
        {
            var statuses = await CsoStatusesAsync(network);
            if (statuses[ChargingNetwork.EvseId].Status == first && statuses[ChargingNetwork.SecondEvseId].Status == second)
            {
                return statuses;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The CSO publishes {statuses[ChargingNetwork.EvseId].Status} / {statuses[ChargingNetwork.SecondEvseId].Status}, not {first} / {second}, after {ChargingNetwork.Deadline}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the CSP (DE-8EO) holds these statuses of the network's two EVSEs from its status stream.</summary>
    public static Task CspSeesAsync(ChargingNetwork network, EvseStatus first, EvseStatus second)
    {
        var store = network.Endpoints.Csp.Services.GetRequiredService<IPartnerStatusStore>();
        return TwoEndpoints.WaitUntilAsync(
            () =>
            {
                var held = store.ListAsync(TwoEndpoints.CsoIdentity.PartyId, CancellationToken.None).GetAwaiter().GetResult().Statuses.ToDictionary(status => status.EvseId, status => (EvseStatus)status.Status);
                return held.GetValueOrDefault(ChargingNetwork.EvseId) == first && held.GetValueOrDefault(ChargingNetwork.SecondEvseId) == second;
            },
            ChargingNetwork.Deadline,
            $"the CSP's status stream shows {first} / {second}");
    }

    /// <summary>The status code and ErrorInfo reason of a refused call.</summary>
    public static async Task<(StatusCode Code, string? Reason)> RefusedAsync<T>(AsyncUnaryCall<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        return (error.StatusCode, ChargingNetwork.ReasonOf(error));
    }
}
