using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Tests.Infrastructure;
using RoamingGrpc.Endpoint.Tests.Features.Platform;

namespace RoamingGrpc.Endpoint.Tests.Features.Tariffs;

/// <summary>TariffService.EstimateCost (UC2-2) between a CSO and a CSP: which tariff prices the estimate, and what it costs.</summary>
public sealed class CostEstimateTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const string EvseId = "DE*ABC*EEST*1";

    [Fact]
    public async Task EstimateCost_ConnectorWithGeneralAndOwnTariff_PricedByOwnTariffInSiteTimeZone()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await PublishAsync(endpoints);
        var client = Client(endpoints);

        // The connector lists T-ZZZ (another CSP's, invisible), T-GEN (general) and T-8EO (the caller's own), which
        // replaces the general one. Site in Europe/Berlin (UTC+2 in June): 03:30 UTC is 05:30 local.
        // Charging 03:30-05:30 UTC delivering 40 kWh linearly (20 kW), then parking 10 min.
        //   energy  03:30-04:00 UTC (05:30-06:00 local, night) 10 kWh x 0.20 = 2.00
        //           04:00-05:30 UTC (06:00-07:30 local, day)   30 kWh x 0.25 = 7.50
        //   time    after the first hour, 04:30-05:30 UTC: 1 h x 2.00       = 2.00
        //   parking 10 min (step 300 s: exactly 2 steps) x 5.00 EUR/h       = 0.833333...
        //   flat                                                            = 0.50
        //   excl. VAT 12.833333... -> 12.83; VAT 19 % 2.438333... -> 2.44; incl. 12.83 + 2.44 = 15.27
        // (Priced in UTC instead, all 40 kWh would be night energy: 8.00, and the total 11.33.)
        var response = await client.EstimateCostAsync(
            new EstimateCostRequest
            {
                EvseId = "deabcEEST*1",
                StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(2024, 6, 3, 3, 30, 0, TimeSpan.Zero)),
                EnergyKwh = 40,
                ChargingDuration = Duration.FromTimeSpan(TimeSpan.FromHours(2)),
                ParkingDuration = Duration.FromTimeSpan(TimeSpan.FromMinutes(10)),
            },
            deadline: Soon());

        Assert.Equal(["T-8EO"], response.TariffIds);
        var totals = response.Totals;
        Assert.Equal(Eur("12.83"), totals.TotalCostExclVat);
        Assert.Equal(Eur("15.27"), totals.TotalCostInclVat);
        Assert.Equal(Eur("9.50"), totals.TotalEnergyCostExclVat);
        Assert.Equal(Eur("2.00"), totals.TotalTimeCostExclVat);
        Assert.Equal(Eur("0.83"), totals.TotalParkingCostExclVat);
        Assert.Equal(Eur("0.50"), totals.TotalFixedCostExclVat);
        Assert.Null(totals.TotalReservationCostExclVat);
        Assert.Equal(40, totals.TotalEnergyKwh);
        Assert.Equal(TimeSpan.FromHours(2), totals.TotalTime.ToTimeSpan());
        Assert.Equal(TimeSpan.FromMinutes(10), totals.TotalParkingTime.ToTimeSpan());
        Assert.Equal(
            ["03:30", "04:00", "04:30", "05:30"],
            response.ChargingPeriods.Select(period => period.StartTime.ToDateTimeOffset().ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(response.ChargingPeriods, period => Assert.Equal("T-8EO", period.TariffId));
        Assert.Equal(10, Volume(response.ChargingPeriods[0], ChargingDimensionType.Energy), 9);
        Assert.Equal(1, Volume(response.ChargingPeriods[0], ChargingDimensionType.Flat));
        Assert.Equal(20, Volume(response.ChargingPeriods[0], ChargingDimensionType.MaxPower), 9);
        Assert.Equal(10.0 / 60, Volume(response.ChargingPeriods[3], ChargingDimensionType.ParkingTime), 9);
    }

    [Fact]
    public async Task EstimateCost_RequestedGeneralTariff_PricedByIt()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await PublishAsync(endpoints);

        // T-GEN: 40 kWh x 1.00 EUR/kWh = 40.00, VAT 19 % 7.60 -> 47.60; time and parking are not priced.
        var response = await Client(endpoints).EstimateCostAsync(
            new EstimateCostRequest
            {
                EvseId = EvseId,
                TariffId = "T-GEN",
                EnergyKwh = 40,
                ChargingDuration = Duration.FromTimeSpan(TimeSpan.FromHours(2)),
            },
            deadline: Soon());

        Assert.Equal(["T-GEN"], response.TariffIds);
        Assert.Equal(Eur("40.00"), response.Totals.TotalCostExclVat);
        Assert.Equal(Eur("47.60"), response.Totals.TotalCostInclVat);
        Assert.Null(response.Totals.TotalTimeCostExclVat);
    }

    [Fact]
    public async Task EstimateCost_UnknownEvseOrBadRequest_ExactStatusReasonAndField()
    {
        await using var endpoints = await TwoEndpoints.StartSettledAsync(output);
        await PublishAsync(endpoints);
        var client = Client(endpoints);
        static EstimateCostRequest Valid(Action<EstimateCostRequest> change)
        {
            var request = new EstimateCostRequest { EvseId = EvseId, EnergyKwh = 20, ChargingDuration = Duration.FromTimeSpan(TimeSpan.FromHours(1)) };
            change(request);
            return request;
        }

        var cases = new (EstimateCostRequest Request, StatusCode Code, string Reason, string? Field)[]
        {
            (Valid(request => request.EvseId = "DE*ABC*E404*1"), StatusCode.NotFound, "UNKNOWN_EVSE", null),
            (Valid(request => request.EvseId = "not an evse"), StatusCode.InvalidArgument, "INVALID_IDENTIFIER", "evse_id"),
            (Valid(request => request.EvseId = string.Empty), StatusCode.InvalidArgument, "MISSING_FIELD", "evse_id"),
            (Valid(request => request.EnergyKwh = 0), StatusCode.InvalidArgument, "INVALID_FIELD", "energy_kwh"),
            (Valid(request => request.EnergyKwh = double.NaN), StatusCode.InvalidArgument, "INVALID_FIELD", "energy_kwh"),
            (Valid(request => request.ChargingDuration = null), StatusCode.InvalidArgument, "MISSING_FIELD", "charging_duration"),
            (Valid(request => request.ChargingDuration = new Duration()), StatusCode.InvalidArgument, "INVALID_FIELD", "charging_duration"),
            (Valid(request => request.ParkingDuration = new Duration { Seconds = -60 }), StatusCode.InvalidArgument, "INVALID_FIELD", "parking_duration"),
            (Valid(request => request.AveragePowerKw = -1), StatusCode.InvalidArgument, "INVALID_FIELD", "average_power_kw"),
            (Valid(request => request.ConnectorId = "9"), StatusCode.NotFound, "UNKNOWN_CONNECTOR", null),
            (Valid(request => request.TariffId = "T-ZZZ"), StatusCode.NotFound, "UNKNOWN_TARIFF", null),
            (Valid(request => request.EvseId = "DE*ABC*ENOTARIFF*1"), StatusCode.NotFound, "UNKNOWN_TARIFF", null),
        };
        foreach (var (request, code, reason, field) in cases)
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () => await client.EstimateCostAsync(request, deadline: Soon()));

            Assert.Equal((code, reason), (error.StatusCode, HandshakeTests.ReasonOf(error)));
            if (field is not null)
            {
                Assert.Equal(field, error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.Single().Field);
            }
        }
    }

    // T-GEN for everyone, T-8EO for the caller (DE-8EO), T-ZZZ for another CSP; site EEST's connector lists all three,
    // site ENOTARIFF's connector only T-ZZZ.
    private static async Task PublishAsync(TwoEndpoints endpoints)
    {
        var backoffice = new CsoBackofficeService.CsoBackofficeServiceClient(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"),
            PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"),
            endpoints.Cso));
        var general = new Tariff
        {
            TariffId = "T-GEN",
            Currency = "EUR",
            Elements = { new TariffElement { PriceComponents = { Component(TariffDimensionType.Energy, "1.00") } } },
        };
        var own = new Tariff
        {
            TariffId = "T-8EO",
            Currency = "EUR",
            TargetProviderId = "DE-8EO",
            Elements =
            {
                new TariffElement { PriceComponents = { Component(TariffDimensionType.Flat, "0.50") } },
                new TariffElement
                {
                    PriceComponents = { Component(TariffDimensionType.Energy, "0.25", step: 1) },
                    Restrictions = new TariffRestrictions { StartTimeOfDay = "06:00", EndTimeOfDay = "22:00" },
                },
                new TariffElement { PriceComponents = { Component(TariffDimensionType.Energy, "0.20", step: 1) } },
                new TariffElement
                {
                    PriceComponents = { Component(TariffDimensionType.Time, "2.00", step: 60) },
                    Restrictions = new TariffRestrictions { MinDuration = Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
                },
                new TariffElement { PriceComponents = { Component(TariffDimensionType.ParkingTime, "5.00", step: 300) } },
            },
        };
        var foreign = new Tariff
        {
            TariffId = "T-ZZZ",
            Currency = "EUR",
            TargetProviderId = "FR-ZZZ",
            Elements = { new TariffElement { PriceComponents = { Component(TariffDimensionType.Energy, "0.01") } } },
        };
        foreach (var tariff in new[] { general, own, foreign })
        {
            await backoffice.UpsertTariffAsync(new UpsertTariffRequest { RequestId = $"tariff-{tariff.TariffId}", Tariff = tariff }, deadline: Soon());
        }

        var site = TestSites.Create("EST", evses: 1);
        site.Evses[0].Connectors[0].TariffIds.Add(["T-ZZZ", "T-GEN", "T-8EO"]);
        var untariffed = TestSites.Create("NOTARIFF", evses: 1);
        untariffed.Evses[0].Connectors[0].TariffIds.Add("T-ZZZ");
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "site-EST", Site = site }, deadline: Soon());
        await backoffice.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "site-NOTARIFF", Site = untariffed }, deadline: Soon());
    }

    private static TariffService.TariffServiceClient Client(TwoEndpoints endpoints) =>
        new(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));

    private static PriceComponent Component(TariffDimensionType type, string price, int step = 0) =>
        new() { Type = type, Price = Eur(price), VatPercent = "19", StepSize = step };

    private static double Volume(ChargingPeriod period, ChargingDimensionType type) =>
        period.Dimensions.Single(dimension => dimension.Type == type).Volume;

    private static Money Eur(string amount) => new() { CurrencyCode = "EUR", Amount = amount };

    private static DateTime Soon() => DateTime.UtcNow.Add(Deadline);
}
