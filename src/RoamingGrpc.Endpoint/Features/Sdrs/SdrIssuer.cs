using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Domain.Sessions;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Pushes;
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
/// Issues the service detail records (UC3-5, UC3-9) priced by <see cref="SessionPricing"/>: the SDR of a completed
/// session or of a reservation that expired unused, and the credit and correcting SDRs of a disputed one. Every SDR
/// version is pushed to its CSP in the transaction that stores it.
/// </summary>
internal sealed class SdrIssuer(SessionPricing pricing, ISdrStore sdrs, ISessionStore sessions, PushQueue pushes, TimeProvider clock)
{
    /// <summary>Prices a completed session, sets its periods and cost, and issues its SDR (pushed to the CSP).</summary>
    public Sdr Complete(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, SignedMeterData? signedMeterData, DateTimeOffset now)
    {
        var end = session.EndTime.ToDateTimeOffset();
        var priced = pricing.Price(write, session, readings, end, null, null);
        var sdr = Build(write, session, readings, priced, now);
        sdr.SignedMeterData = signedMeterData;
        return Issue(write, session, sdr, now);
    }

    /// <summary>
    /// Prices the reservation of a session that ended unused at its expiry (<see cref="ServiceKind.Reservation"/>, start =
    /// the reservation's creation, end = its expiry), sets its periods and cost, and issues its SDR (pushed to the CSP).
    /// </summary>
    public Sdr CompleteReservation(WriteContext write, Session session, DateTimeOffset now)
    {
        var sdr = Build(write, session, [], pricing.PriceExpiredReservation(write, session, null, null), now);
        return Issue(write, session, sdr, now);
    }

    // The session takes the periods and cost of its SDR, which is stored and pushed.
    private Sdr Issue(WriteContext write, Session session, Sdr sdr, DateTimeOffset now)
    {
        session.ChargingPeriods.Clear();
        session.ChargingPeriods.AddRange(sdr.ChargingPeriods);
        session.CostExclVat = sdr.Totals.TotalCostExclVat;
        session.CostInclVat = sdr.Totals.TotalCostInclVat;
        Save(write, sdr, "session", now);
        return sdr;
    }

    /// <summary>
    /// Corrects a DISPUTED SDR: a credit SDR reversing it, the original marked CORRECTED, and a new SDR priced again
    /// with the corrected energy and/or tariff. All three are pushed to the CSP.
    /// </summary>
    public SdrCorrection Correct(WriteContext write, string sdrId, double? energyKwh, string tariffId, string remark)
    {
        var row = sdrs.Find(write, sdrId)
            ?? throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSdr, $"SDR '{sdrId}' does not exist.", [new("sdr_id", sdrId)]);
        var stored = sessions.Find(write, row.SessionId)
            ?? throw new InvalidOperationException($"Session '{row.SessionId}' of SDR '{sdrId}' is missing.");
        return Correct(write, Sdr.Parser.ParseFrom(row.Payload), Session.Parser.ParseFrom(stored.Payload), sessions.Readings(write, row.SessionId), energyKwh, tariffId, remark, clock.GetUtcNow());
    }

    private SdrCorrection Correct(WriteContext write, Sdr disputed, Session session, IReadOnlyList<SessionReading> readings, double? energyKwh, string tariffId, string remark, DateTimeOffset now)
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
            ? pricing.PriceExpiredReservation(write, session, tariffId.Length > 0 ? tariffId : null, "tariff_id")
            : pricing.Price(write, session, corrected, session.EndTime.ToDateTimeOffset(), tariffId.Length > 0 ? tariffId : null, "tariff_id");
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
        return new SdrCorrection(original, credit, replacement);
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
        pushes.ToCsp(write, PushKinds.Sdr, sdr.ProviderId, sdr);
    }

    private Sdr Build(WriteContext write, Session session, IReadOnlyList<SessionReading> readings, (Tariff Tariff, PricingResult Result)? priced, DateTimeOffset now)
    {
        var location = pricing.LocationOf(write, session);
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
        if (priced is { } result)
        {
            sdr.ChargingPeriods.AddRange(PricingMapping.ToChargingPeriods(result.Result));
            sdr.Tariffs.Add(result.Tariff);
            sdr.Currency = result.Result.Currency;
            sdr.Totals = PricingMapping.ToCostTotals(result.Result);
        }
        else
        {
            // No tariff applies to this CSP here: volumes are billed at no price, and the SDR says so.
            var charging = TimeSpan.Zero;
            var parking = TimeSpan.Zero;
            for (var i = 0; i + 1 < readings.Count; i++)
            {
                var span = TimeSpan.FromMilliseconds(readings[i + 1].MeasureTime - readings[i].MeasureTime);
                if (readings[i].Activity == (long)SessionActivity.Charging)
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
