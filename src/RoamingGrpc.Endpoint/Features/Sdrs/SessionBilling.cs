using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Charging;
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
/// Prices sessions with the tariff that applies to their home-CSP (the domain's <see cref="TariffPricer"/>) and
/// issues the service detail records (UC3-5, UC3-9): the SDR of a completed session, and the credit and correcting
/// SDRs of a disputed one. The tariff that applies is chosen by <see cref="TariffChoice"/> among the tariffs of the
/// session's connector (else the EVSE's first). A session started from a reservation (UC3-8) is priced with the
/// reservation's time, from its creation to the session's start; a reservation that expired unused is priced alone.
/// </summary>
internal sealed class SessionBilling(ISiteRepository sites, ITariffRepository tariffs, ISdrStore sdrs, IReservationStore reservations, SessionRecorder recorder)
{
    /// <summary>Cost so far of an active session, or null when no tariff applies.</summary>
    public (Money ExclVat, Money InclVat)? CostSoFar(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, DateTimeOffset at)
    {
        var priced = Price(write, session, readings, at, null, null);
        return priced is null ? null : PricingMapping.ToCost(priced.Value.Result);
    }

    /// <summary>Prices a completed session, sets its periods and cost, and issues its SDR (pushed to the CSP).</summary>
    public Sdr Complete(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, SignedMeterData? signedMeterData, DateTimeOffset now)
    {
        var end = session.EndTime.ToDateTimeOffset();
        var priced = Price(write, session, readings, end, null, null);
        var sdr = Build(write, session, readings, priced, now);
        sdr.SignedMeterData = signedMeterData;
        session.ChargingPeriods.Clear();
        session.ChargingPeriods.AddRange(sdr.ChargingPeriods);
        session.CostExclVat = sdr.Totals.TotalCostExclVat;
        session.CostInclVat = sdr.Totals.TotalCostInclVat;
        Save(write, sdr, "session", now);
        return sdr;
    }

    /// <summary>
    /// Prices the reservation of a session that ended unused at its expiry (<see cref="ServiceKind.Reservation"/>, start =
    /// the reservation's creation, end = its expiry), sets its periods and cost, and issues its SDR (pushed to the CSP).
    /// </summary>
    public Sdr CompleteReservation(WriteContext write, Session session, DateTimeOffset now)
    {
        var sdr = Build(write, session, [], PriceExpiredReservation(write, session, null, null), now);
        session.ChargingPeriods.Clear();
        session.ChargingPeriods.AddRange(sdr.ChargingPeriods);
        session.CostExclVat = sdr.Totals.TotalCostExclVat;
        session.CostInclVat = sdr.Totals.TotalCostInclVat;
        Save(write, sdr, "session", now);
        return sdr;
    }

    /// <summary>True when the tariff that applies to <paramref name="session"/>'s connector at <paramref name="at"/> prices reservations.</summary>
    public bool BillsReservations(WriteContext write, Session session, DateTimeOffset at) =>
        Applicable(write, LocationOf(write, session), session.ProviderId, at, null, null) is { } tariff
        && tariff.Elements.Any(element => element.Restrictions?.Reservation is ReservationRestriction.Reservation or ReservationRestriction.ReservationExpires);

    /// <summary>
    /// Corrects a DISPUTED SDR: a credit SDR reversing it, the original marked CORRECTED, and a new SDR priced again
    /// with the corrected energy and/or tariff. All three are pushed to the CSP.
    /// </summary>
    public CorrectSdrResponse Correct(WriteContext write, Sdr disputed, Session session, IReadOnlyList<SessionReading> readings, double? energyKwh, string tariffId, string remark, DateTimeOffset now)
    {
        if (disputed.Status != SdrStatus.Disputed)
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                $"SDR '{disputed.SdrId}' is {ProtoEnumNames.Of(disputed.Status)}; only a DISPUTED SDR is corrected.",
                [new("sdr_id", disputed.SdrId)]);
        }

        var corrected = energyKwh is { } energy ? Scaled(readings, energy) : readings;
        var priced = session.ServiceKind == ServiceKind.Reservation
            ? PriceExpiredReservation(write, session, tariffId.Length > 0 ? tariffId : null, "tariff_id")
            : Price(write, session, corrected, session.EndTime.ToDateTimeOffset(), tariffId.Length > 0 ? tariffId : null, "tariff_id");
        var replacement = Build(write, session, corrected, priced, now);
        replacement.ReplacesSdrId = disputed.SdrId;
        replacement.SignedMeterData = disputed.SignedMeterData;
        replacement.Remark = remark;

        var credit = disputed.Clone();
        credit.SdrId = Guid.NewGuid().ToString();
        credit.Status = SdrStatus.Credit;
        credit.CreditOfSdrId = disputed.SdrId;
        credit.DisputeReason = SdrDisputeReason.Unspecified;
        credit.DisputeDetail = string.Empty;
        credit.Remark = remark;
        credit.Totals = Negated(disputed.Totals);
        credit.CreateTime = credit.UpdateTime = Timestamp.FromDateTimeOffset(now);
        credit.Version = 1;

        var original = disputed.Clone();
        original.Status = SdrStatus.Corrected;
        original.UpdateTime = Timestamp.FromDateTimeOffset(now);
        original.Version++;

        Save(write, original, "session", now);
        Save(write, credit, "credit", now);
        Save(write, replacement, "correction", now);
        return new CorrectSdrResponse { CreditSdr = credit, CorrectedSdr = replacement, OriginalSdr = original };
    }

    /// <summary>Stores a new version of an SDR and queues it for its CSP.</summary>
    public void Save(WriteContext write, Sdr sdr, string origin, DateTimeOffset now)
    {
        sdrs.Save(write, new SdrRow(
            sdr.SdrId,
            sdr.ProviderId,
            sdr.SessionId,
            origin,
            (long)sdr.Status,
            sdr.EndTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
            sdr.UpdateTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
            0,
            (long)sdr.Version,
            sdr.ToByteArray()));
        recorder.Push(write, sdr);
    }

    private Sdr Build(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, (Tariff Tariff, PricingResult Result)? priced, DateTimeOffset now)
    {
        var location = LocationOf(write, session);
        var connector = location.Connector;
        var sdr = new Sdr
        {
            SdrId = Guid.NewGuid().ToString(),
            OperatorId = session.OperatorId,
            ProviderId = session.ProviderId,
            Status = SdrStatus.New,
            SessionId = session.SessionId,
            TransactionId = session.TransactionId,
            ServiceKind = session.ServiceKind,
            Token = session.Token,
            IdentificationMethod = session.IdentificationMethod,
            AuthorizationMethod = session.AuthorizationMethod,
            AuthorizationReference = session.AuthorizationReference,
            Location = new SdrLocation
            {
                SiteId = location.Site.SiteId,
                Name = location.Site.Name,
                Address = location.Site.Address,
                City = location.Site.City,
                PostalCode = location.Site.PostalCode,
                CountryCode = location.Site.CountryCode,
                Coordinates = location.Site.Coordinates,
                EvseId = session.EvseId,
                ConnectorId = connector?.ConnectorId ?? string.Empty,
                ConnectorStandard = connector?.Standard ?? ConnectorStandard.Unspecified,
                ConnectorFormat = connector?.Format ?? ConnectorFormat.Unspecified,
                ConnectorPowerType = connector?.PowerType ?? PowerType.Unspecified,
            },
            StartTime = session.StartTime,
            EndTime = session.EndTime,
            CreateTime = Timestamp.FromDateTimeOffset(now),
            UpdateTime = Timestamp.FromDateTimeOffset(now),
            Version = 1,
        };
        if (priced is { } pricing)
        {
            sdr.ChargingPeriods.AddRange(PricingMapping.ToChargingPeriods(pricing.Result));
            sdr.Tariffs.Add(pricing.Tariff);
            sdr.Currency = pricing.Result.Currency;
            sdr.Totals = PricingMapping.ToCostTotals(pricing.Result);
        }
        else
        {
            // No tariff applies to this CSP here: volumes are billed at no price, and the SDR says so.
            var charging = TimeSpan.Zero;
            var parking = TimeSpan.Zero;
            for (var i = 0; i + 1 < readings.Count; i++)
            {
                var span = TimeSpan.FromMilliseconds(readings[i + 1].MeasureTime - readings[i].MeasureTime);
                if (readings[i].Activity == 0)
                {
                    charging += span;
                }
                else
                {
                    parking += span;
                }
            }

            sdr.Totals = new CostTotals { TotalEnergyKwh = session.EnergyKwh, TotalTime = Duration.FromTimeSpan(charging), TotalParkingTime = Duration.FromTimeSpan(parking) };
            sdr.Remark = "No tariff of this operator applies to this provider at this connector; no cost is charged.";
        }

        return sdr;
    }

    private (Tariff Tariff, PricingResult Result)? Price(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, DateTimeOffset end, string? tariffId, string? field)
    {
        if (session.StartTime is null || readings.Count == 0)
        {
            return null;
        }

        var start = session.StartTime.ToDateTimeOffset();
        var samples = readings.Select(reading => new UsageSample(
            DateTimeOffset.FromUnixTimeMilliseconds(reading.MeasureTime),
            (decimal)reading.EnergyKwh,
            reading.Activity == 0 ? UsageActivity.Charging : UsageActivity.Parking,
            reading.PowerKw is { } power ? (decimal)power : null,
            reading.CurrentA is { } current ? (decimal)current : null)).ToList();
        return Price(write, session, new SessionUsage(start, end < start ? start : end, samples, ReservationStartOf(write, session, start)), start, tariffId, field);
    }

    // An unused reservation: its time from creation (the session's start) to expiry (the session's end), no energy.
    private (Tariff Tariff, PricingResult Result)? PriceExpiredReservation(WriteContext write, Session session, string? tariffId, string? field)
    {
        var reserved = session.StartTime.ToDateTimeOffset();
        var expiry = session.EndTime.ToDateTimeOffset();
        var usage = new SessionUsage(expiry, expiry, [new UsageSample(expiry, 0m, UsageActivity.Charging, null, null)], reserved, ReservationExpiredUnused: true);
        return Price(write, session, usage, reserved, tariffId, field);
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

    private EvseLocation LocationOf(WriteContext write, Session session)
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

    private static List<SessionReading> Scaled(IReadOnlyList<SessionReading> readings, double energyKwh)
    {
        if (!double.IsFinite(energyKwh) || energyKwh < 0)
        {
            throw RoamingErrors.InvalidField("energy_kwh", ErrorReason.InvalidField, "must be a non-negative number");
        }

        var measured = readings.Count == 0 ? 0 : readings[^1].EnergyKwh;
        var factor = measured > 0 ? energyKwh / measured : 0;
        return [.. readings.Select((reading, i) => reading with { EnergyKwh = measured > 0 ? reading.EnergyKwh * factor : i == readings.Count - 1 ? energyKwh : 0 })];
    }

    private static CostTotals Negated(CostTotals totals)
    {
        var negated = totals.Clone();
        negated.TotalCostExclVat = Negated(totals.TotalCostExclVat);
        negated.TotalCostInclVat = Negated(totals.TotalCostInclVat);
        negated.TotalFixedCostExclVat = Negated(totals.TotalFixedCostExclVat);
        negated.TotalEnergyCostExclVat = Negated(totals.TotalEnergyCostExclVat);
        negated.TotalTimeCostExclVat = Negated(totals.TotalTimeCostExclVat);
        negated.TotalParkingCostExclVat = Negated(totals.TotalParkingCostExclVat);
        negated.TotalReservationCostExclVat = Negated(totals.TotalReservationCostExclVat);
        return negated;
    }

    private static Money? Negated(Money? money) =>
        money is null ? null
        : money.Amount.TrimStart('-').Trim('0', '.').Length == 0 ? money
        : new Money { CurrencyCode = money.CurrencyCode, Amount = money.Amount.StartsWith('-') ? money.Amount[1..] : "-" + money.Amount };
}
