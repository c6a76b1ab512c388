using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Tests.Support;

/// <summary>Clients and helpers of the UC5 tests on a <see cref="ChargingRig"/>.</summary>
internal static class SupportKit
{
    /// <summary>Sweeps maintenance notices often, so that a moved clock shows at once.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastSweep = new Dictionary<string, string?>
    {
        ["Roaming:Support:MaintenanceSweepInterval"] = "00:00:00.100",
    };

    /// <summary>SupportService of the CSO, called as DE-8EO.</summary>
    public static SupportService.SupportServiceClient Support(ChargingRig rig) =>
        new(rig.Endpoints.Channel(rig.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, rig.Endpoints.Cso));

    /// <summary>SupportService of the CSO, called as FR-ZZZ.</summary>
    public static SupportService.SupportServiceClient OtherSupport(ChargingRig rig) =>
        new(rig.Endpoints.Channel(rig.OtherCertificates, ChargingRig.OtherCsp, rig.Endpoints.Cso));

    /// <summary>EvseStatusService of the CSO, called as DE-8EO.</summary>
    public static EvseStatusService.EvseStatusServiceClient Statuses(ChargingRig rig) =>
        new(rig.Endpoints.Channel(rig.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, rig.Endpoints.Cso));

    /// <summary>Publishes the rig's site again with UNLOCK_CAPABLE on its first EVSE only.</summary>
    public static async Task MakeFirstEvseUnlockCapableAsync(ChargingRig rig)
    {
        var site = TestSites.Create(ChargingRig.SiteId);
        foreach (var connector in site.Evses.SelectMany(evse => evse.Connectors))
        {
            connector.TariffIds.Add(ChargingRig.TariffId);
        }

        site.Evses.Single(evse => evse.EvseId == ChargingRig.EvseId).Capabilities.Add(EvseCapability.UnlockCapable);
        await rig.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "unlock-capable", Site = site }, deadline: ChargingRig.Soon());
    }

    /// <summary>The CSO's published status of each of the rig's EVSEs, as ListEvseStatuses gives it to DE-8EO.</summary>
    public static async Task<Dictionary<string, EvseStatusEvent>> CsoStatusesAsync(ChargingRig rig)
    {
        var listed = await Statuses(rig).ListEvseStatusesAsync(new ListEvseStatusesRequest { SiteIds = { ChargingRig.SiteId } }, deadline: ChargingRig.Soon());
        return listed.EvseStatuses.ToDictionary(status => status.EvseId);
    }

    /// <summary>Waits until the CSO publishes these statuses for the rig's two EVSEs; returns them.</summary>
    public static async Task<Dictionary<string, EvseStatusEvent>> CsoStatusesBecomeAsync(ChargingRig rig, EvseStatus first, EvseStatus second)
    {
        var deadline = DateTime.UtcNow + ChargingRig.Deadline;
        while (true)
        {
            var statuses = await CsoStatusesAsync(rig);
            if (statuses[ChargingRig.EvseId].Status == first && statuses[ChargingRig.SecondEvseId].Status == second)
            {
                return statuses;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The CSO publishes {statuses[ChargingRig.EvseId].Status} / {statuses[ChargingRig.SecondEvseId].Status}, not {first} / {second}, after {ChargingRig.Deadline}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the CSP (DE-8EO) holds these statuses of the rig's two EVSEs from its status stream.</summary>
    public static Task CspSeesAsync(ChargingRig rig, EvseStatus first, EvseStatus second)
    {
        var store = rig.Endpoints.Csp.Services.GetRequiredService<IPartnerStatusStore>();
        return TwoEndpoints.WaitUntilAsync(
            () =>
            {
                var held = store.ListAsync(TwoEndpoints.CsoIdentity.PartyId, CancellationToken.None).GetAwaiter().GetResult().Statuses.ToDictionary(status => status.EvseId, status => (EvseStatus)status.Status);
                return held.GetValueOrDefault(ChargingRig.EvseId) == first && held.GetValueOrDefault(ChargingRig.SecondEvseId) == second;
            },
            ChargingRig.Deadline,
            $"the CSP's status stream shows {first} / {second}");
    }

    /// <summary>The status code and ErrorInfo reason of a refused call.</summary>
    public static async Task<(StatusCode Code, string? Reason)> RefusedAsync<T>(AsyncUnaryCall<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        return (error.StatusCode, ChargingRig.ReasonOf(error));
    }
}
