using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Tests.Features.Platform;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Statuses;

/// <summary>
/// The back office's timestamps outside protobuf's Timestamp range are INVALID_ARGUMENT naming the field, not INTERNAL
/// (the class of bug the requests fuzz target found in CreateReservation): an EVSE status change_time, a tariff's
/// start_time.
/// </summary>
public sealed class BackofficeTimestampTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ReportAndUpsert_TimestampOutOfRange_InvalidArgumentNamingTheField()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        var backoffice = new CsoBackofficeService.CsoBackofficeServiceClient(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"), PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"), endpoints.Cso));
        var site = TestSites.Create("S001", evses: 1);
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "site", Site = site }, deadline: DateTime.UtcNow.Add(Deadline));
        var report = new ReportEvseStatusRequest { RequestId = "status" };
        report.Statuses.Add(new EvseStatusEvent { EvseId = site.Evses[0].EvseId, Status = EvseStatus.Charging, ChangeTime = new Timestamp { Seconds = 1_700_000_000, Nanos = -1 } });
        var tariff = TestTariffs.Create("T1");
        tariff.StartTime = new Timestamp { Seconds = -62_135_596_801 };

        var status = await Assert.ThrowsAsync<RpcException>(async () => await backoffice.ReportEvseStatusAsync(report, deadline: DateTime.UtcNow.Add(Deadline)));
        var upsert = await Assert.ThrowsAsync<RpcException>(async () => await backoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "tariff", Tariff = tariff }, deadline: DateTime.UtcNow.Add(Deadline)));

        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), (status.StatusCode, HandshakeTests.ReasonOf(status)));
        Assert.Contains("change_time", status.Status.Detail, StringComparison.Ordinal);
        Assert.Equal((StatusCode.InvalidArgument, "INVALID_FIELD"), (upsert.StatusCode, HandshakeTests.ReasonOf(upsert)));
        Assert.Contains("tariff.start_time", upsert.Status.Detail, StringComparison.Ordinal);
    }
}
