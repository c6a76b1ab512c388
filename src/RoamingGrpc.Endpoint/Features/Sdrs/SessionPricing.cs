using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Domain.Sessions;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Sites;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage.Charging;
using RoamingGrpc.Storage.Reservations;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Tariffs;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Sdrs;

/// <summary>
/// Prices sessions with the tariff that applies to their home-CSP (the domain's <see cref="TariffPricer"/>): the tariff
/// that applies is chosen by <see cref="TariffChoice"/> among the tariffs of the session's connector (else the EVSE's
/// first). A session started from a reservation (UC3-8) is priced with the reservation's time, from its creation to the
/// session's start; a reservation that expired unused is priced alone.
/// </summary>
internal sealed class SessionPricing(ISiteRepository sites, ITariffRepository tariffs, IReservationStore reservations)
{
    /// <summary>Cost so far of an active session, or null when no tariff applies.</summary>
    public (Money ExclVat, Money InclVat)? CostSoFar(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, DateTimeOffset at)
    {
        var priced = Price(write, session, readings, at, null, null);
        return priced is null ? null : PricingMapping.ToCost(priced.Value.Result);
    }

    /// <summary>True when the tariff that applies to <paramref name="session"/>'s connector at <paramref name="at"/> prices reservations.</summary>
    public bool BillsReservations(WriteContext write, Session session, DateTimeOffset at) =>
        Applicable(write, LocationOf(write, session), session.ProviderId, at, null, null) is { } tariff
        && tariff.Elements.Any(element => element.Restrictions?.Reservation is ReservationRestriction.Reservation or ReservationRestriction.ReservationExpires);

    /// <summary>
    /// Prices a session's readings up to <paramref name="end"/> with the tariff that applies (or <paramref name="tariffId"/>,
    /// NOT_FOUND naming <paramref name="field"/> when it does not apply); null when no tariff applies.
    /// </summary>
    public (Tariff Tariff, PricingResult Result)? Price(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, DateTimeOffset end, string? tariffId, string? field)
    {
        if (session.StartTime is null || readings.Count == 0)
        {
            return null;
        }

        var start = session.StartTime.ToDateTimeOffset();
        var samples = readings.Select(reading => new UsageSample(
            DateTimeOffset.FromUnixTimeMilliseconds(reading.MeasureTime),
            (decimal)reading.EnergyKwh,
            reading.Activity == (long)SessionActivity.Charging ? UsageActivity.Charging : UsageActivity.Parking,
            reading.PowerKw is { } power ? (decimal)power : null,
            reading.CurrentA is { } current ? (decimal)current : null)).ToList();
        return Price(write, session, new SessionUsage(start, end < start ? start : end, samples, ReservationStartOf(write, session, start)), start, tariffId, field);
    }

    /// <summary>Prices an unused reservation: its time from creation (the session's start) to expiry (the session's end), no energy.</summary>
    public (Tariff Tariff, PricingResult Result)? PriceExpiredReservation(WriteContext write, Session session, string? tariffId, string? field)
    {
        var reserved = session.StartTime.ToDateTimeOffset();
        var expiry = session.EndTime.ToDateTimeOffset();
        var usage = new SessionUsage(expiry, expiry, [new UsageSample(expiry, 0m, UsageActivity.Charging, null, null)], reserved, ReservationExpiredUnused: true);
        return Price(write, session, usage, reserved, tariffId, field);
    }

    public EvseLocation LocationOf(WriteContext write, Session session)
    {
        var row = sites.Find(write, session.SiteId) ?? throw new InvalidOperationException($"Site '{session.SiteId}' of session '{session.SessionId}' is missing.");
        var site = Site.Parser.ParseFrom(row.Payload);
        if (row.Removed || site.Evses.FirstOrDefault(evse => evse.EvseId == session.EvseId) is not { } evse)
        {
            // The site changed since the session started: bill the location as the session names it.
            var bare = new Site { SiteId = session.SiteId, OperatorId = session.OperatorId, CountryCode = site.CountryCode, TimeZone = site.TimeZone };
            return new EvseLocation(bare, new Evse { EvseId = session.EvseId }, null);
        }

        return new EvseLocation(site, evse, evse.Connectors.FirstOrDefault(connector => connector.ConnectorId == session.ConnectorId));
    }

    // Prices the usage with the tariff that applies to the session's connector for its CSP at tariffTime.
    private (Tariff Tariff, PricingResult Result)? Price(WriteContext write, Session session, SessionUsage usage, DateTimeOffset tariffTime, string? tariffId, string? field)
    {
        var location = LocationOf(write, session);
        var tariff = Applicable(write, location, session.ProviderId, tariffTime, tariffId, field);
        if (tariff is null)
        {
            return null;
        }

        return (tariff, TariffPricer.Price(PricingMapping.ToPricing(tariff), usage, CostEstimate.ZoneOf(location.Site.TimeZone)));
    }

    // When the reservation a session was started from began (UC3-8), never after the session's start (the station's
    // clock may differ from the endpoint's); null for a session without one.
    private DateTimeOffset? ReservationStartOf(WriteContext write, Session session, DateTimeOffset start)
    {
        if (session.ReservationId.Length == 0 || reservations.Find(write, session.ReservationId) is not { } row)
        {
            return null;
        }

        var created = Reservation.Parser.ParseFrom(row.Payload).CreateTime.ToDateTimeOffset();
        return created < start ? created : start;
    }

    private Tariff? Applicable(WriteContext write, EvseLocation location, string provider, DateTimeOffset at, string? tariffId, string? field)
    {
        var connector = location.Connector ?? location.Evse.Connectors.FirstOrDefault();
        IEnumerable<string> ids = tariffId is not null ? [tariffId] : connector?.TariffIds ?? [];
        var visible = TariffChoice.Applicable(ids.Select(id => tariffs.Find(write, id)).ToList(), provider, at);
        if (visible is null && tariffId is not null)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownTariff, $"{field}: tariff '{tariffId}' does not exist, was removed, is not valid at the session start or is for another provider.", [new("field", field ?? "tariff_id")]);
        }

        return visible;
    }
}
