using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage.PartnerData;
using RoamingGrpc.Storage.Status;

namespace RoamingGrpc.Endpoint.Features.Navigation;

/// <summary>
/// Annex A.2 on the home-CSP: "available, compatible EVSEs near this point, with their price for me", answered from
/// the data this endpoint keeps in sync (sites and tariffs pushed by the CSOs, EVSE statuses from their streams)
/// without a round trip. Scans every partner CSO's sites in memory: fine for the thousands of EVSEs of a regional
/// network; a national one wants a spatial index (noted as a gap).
/// </summary>
internal sealed class EvseFinder(PartnerDirectory partners, IReceivedRecords received, IPartnerStatusStore statuses, EndpointSettings endpoint, TimeProvider clock)
{
    private const double EarthRadiusMeters = 6_371_000;
    private const uint DefaultRadius = 5_000;
    private const uint MaxRadius = 100_000;
    private const int DefaultResults = 20;
    private const int MaxResults = 100;

    /// <summary>The offers for a request, nearest first.</summary>
    public async Task<FindEvsesResponse> FindAsync(FindEvsesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var near = request.Near ?? throw RoamingErrors.MissingField("near");
        if (near.Latitude is < -90 or > 90 || near.Longitude is < -180 or > 180 || !double.IsFinite(near.Latitude) || !double.IsFinite(near.Longitude))
        {
            throw RoamingErrors.InvalidField("near", ErrorReason.InvalidField, "latitude must be -90..90 and longitude -180..180");
        }

        if (request.RadiusMeters > MaxRadius)
        {
            throw RoamingErrors.InvalidField("radius_meters", ErrorReason.InvalidField, $"must be at most {MaxRadius}");
        }

        if (request.MaxResults is < 0 or > MaxResults)
        {
            throw RoamingErrors.InvalidField("max_results", ErrorReason.InvalidField, $"must be 0 to {MaxResults}");
        }

        if (request.HasMinPowerKw && (!double.IsFinite(request.MinPowerKw) || request.MinPowerKw < 0))
        {
            throw RoamingErrors.InvalidField("min_power_kw", ErrorReason.InvalidField, "must be a non-negative number of kW");
        }

        var energy = request.HasEnergyKwh ? request.EnergyKwh : 20;
        if (!double.IsFinite(energy) || energy is <= 0 or > 1_000)
        {
            throw RoamingErrors.InvalidField("energy_kwh", ErrorReason.InvalidField, "must be above 0 and at most 1000 kWh");
        }

        var charging = request.ChargingDuration?.ToTimeSpan() ?? TimeSpan.FromHours(1);
        if (charging <= TimeSpan.Zero || charging > TimeSpan.FromDays(1))
        {
            throw RoamingErrors.InvalidField("charging_duration", ErrorReason.InvalidField, "must be above 0 and at most 1 day");
        }

        var radius = request.RadiusMeters == 0 ? DefaultRadius : request.RadiusMeters;
        var standards = request.ConnectorStandards.ToHashSet();
        var now = clock.GetUtcNow();
        var offers = new List<EvseOffer>();
        long newestStatus = 0;
        foreach (var cso in partners.All.Where(partner => partner.Identity.Role == PartyRole.Cso).Select(partner => partner.Identity.PartyId))
        {
            var tariffs = (await received.ListAsync(cso, PushKinds.Tariff.Name, cancellationToken).ConfigureAwait(false))
                .ToDictionary(record => record.RecordId, record => Tariff.Parser.ParseFrom(record.Payload), StringComparer.Ordinal);
            var (held, _) = await statuses.ListAsync(cso, cancellationToken).ConfigureAwait(false);
            var statusOf = held.ToDictionary(status => status.EvseId, StringComparer.Ordinal);
            foreach (var record in await received.ListAsync(cso, PushKinds.Site.Name, cancellationToken).ConfigureAwait(false))
            {
                if (record.Removed)
                {
                    continue;
                }

                var site = Site.Parser.ParseFrom(record.Payload);
                foreach (var evse in site.Evses)
                {
                    var position = evse.Coordinates ?? site.Coordinates;
                    if (position is null)
                    {
                        continue;
                    }

                    var distance = Distance(near, position);
                    var connectors = evse.Connectors
                        .Where(connector => (standards.Count == 0 || standards.Contains(connector.Standard))
                            && (!request.HasMinPowerKw || (connector.HasMaxElectricPower && connector.MaxElectricPower >= request.MinPowerKw * 1000)))
                        .ToList();
                    var status = statusOf.TryGetValue(evse.EvseId, out var entry) ? (EvseStatus)entry.Status : EvseStatus.Unknown;
                    if (distance > radius || connectors.Count == 0 || (request.AvailableOnly && status != EvseStatus.Available))
                    {
                        continue;
                    }

                    newestStatus = Math.Max(newestStatus, entry?.ChangeTime ?? 0);
                    var offer = new EvseOffer
                    {
                        OperatorId = site.OperatorId,
                        SiteId = site.SiteId,
                        SiteName = site.Name,
                        Address = $"{site.Address}, {site.City}",
                        EvseId = evse.EvseId,
                        Coordinates = position,
                        DistanceMeters = Math.Round(distance, 1),
                        Status = status,
                        Connectors = { connectors },
                        Capabilities = { evse.Capabilities },
                    };
                    var tariff = TariffChoice.Applicable(connectors[0].TariffIds.Select(id => tariffs.GetValueOrDefault(id)), endpoint.Identity.PartyId, now);
                    if (tariff is not null)
                    {
                        offer.TariffId = tariff.TariffId;
                        offer.EstimatedCost = PricingMapping.ToCostTotals(CostEstimate.Price(tariff, site.TimeZone, now, (decimal)energy, charging, TimeSpan.Zero));
                    }

                    offers.Add(offer);
                }
            }
        }

        var response = new FindEvsesResponse
        {
            Offers = { offers.OrderBy(offer => offer.DistanceMeters).ThenBy(offer => offer.EvseId, StringComparer.Ordinal).Take(request.MaxResults == 0 ? DefaultResults : request.MaxResults) },
        };
        if (newestStatus > 0)
        {
            response.StatusTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(newestStatus));
        }

        return response;
    }

    // Great-circle distance (haversine), meters.
    private static double Distance(GeoLocation a, GeoLocation b)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(b.Latitude - a.Latitude);
        var dLon = Radians(b.Longitude - a.Longitude);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Radians(a.Latitude)) * Math.Cos(Radians(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
