using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Storage.PartnerData;

namespace RoamingGrpc.Endpoint.Tests.Features.ChargePlans;

/// <summary>The CSP's receiver of charge plan pushes (UC3-10), called by the CSO over mutual TLS.</summary>
public sealed class ChargePlanPushTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PushChargePlanUpdates_NewerRetriedOlderAndMalformed_AppliedDuplicateSupersededRejected()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var updates = new CsoUpdateService.CsoUpdateServiceClient(endpoints.Channel(endpoints.CsoCertificates, TwoEndpoints.CsoIdentity, endpoints.Csp));
        var grid = Plan(version: 3, ChargePlanSource.Cso, ChargePlanUpdateReason.GridConstraint);
        var older = Plan(version: 2, ChargePlanSource.Csp, ChargePlanUpdateReason.CspRequest);
        var noStatus = Plan(version: 4, ChargePlanSource.Cso, ChargePlanUpdateReason.GridConstraint);
        noStatus.Status = ChargePlanStatus.Unspecified;
        var noSpec = Plan(version: 5, ChargePlanSource.Cso, ChargePlanUpdateReason.GridConstraint);
        noSpec.Spec = null;

        var first = await updates.PushChargePlanUpdatesAsync(Batch("b1", ("d1", grid)), deadline: ChargingNetwork.Soon());
        var second = await updates.PushChargePlanUpdatesAsync(Batch("b2", ("d1", grid), ("d2", older), ("d3", noStatus), ("d4", noSpec)), deadline: ChargingNetwork.Soon());
        var held = await endpoints.Csp.Services.GetRequiredService<IReceivedRecords>().ListAsync(TwoEndpoints.CsoIdentity.PartyId, PushKinds.ChargePlan.Name, CancellationToken.None);

        Assert.Equal([DeliveryOutcome.Applied], first.Results.Select(result => result.Outcome));
        Assert.Equal(
            [(DeliveryOutcome.Duplicate, ErrorReason.Unspecified), (DeliveryOutcome.Superseded, ErrorReason.Unspecified), (DeliveryOutcome.Rejected, ErrorReason.MissingField), (DeliveryOutcome.Rejected, ErrorReason.MissingField)],
            second.Results.Select(result => (result.Outcome, result.ErrorReason)));
        Assert.Equal([grid], held.Select(record => ChargePlan.Parser.ParseFrom(record.Payload)));
    }

    private static ChargePlan Plan(ulong version, ChargePlanSource source, ChargePlanUpdateReason reason) => new()
    {
        ChargePlanId = "plan-" + version,
        SessionId = "session-1",
        Spec = ChargePlanNetwork.Watts((0, 5_000)),
        Source = source,
        Status = ChargePlanStatus.Active,
        UpdateReason = reason,
        UpdateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Version = version,
    };

    private static PushChargePlanUpdatesRequest Batch(string requestId, params (string DeliveryId, ChargePlan Plan)[] entries)
    {
        var request = new PushChargePlanUpdatesRequest { RequestId = requestId };
        request.Updates.AddRange(entries.Select(entry => new ChargePlanUpdate
        {
            Delivery = new Delivery { DeliveryId = entry.DeliveryId, EntityVersion = entry.Plan.Version, EnqueueTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) },
            ChargePlan = entry.Plan,
        }));
        return request;
    }
}
