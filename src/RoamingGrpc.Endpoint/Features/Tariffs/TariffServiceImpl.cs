using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Pricing;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Sites;
using RoamingGrpc.Storage.Tariffs;

namespace RoamingGrpc.Endpoint.Features.Tariffs;

/// <summary>
/// UC2-2 (and the pull side of UC2-1), hosted by the visited-CSO for registered CSPs: a CSP only ever sees the
/// general tariffs and its own; another CSP's tariff is reported as not found. EstimateCost prices an assumed session
/// at one of the CSO's EVSEs with <see cref="TariffPricer"/>: the requested tariff if the caller may see it, else the
/// connector's first tariff for the caller (one targeted at the caller before a general one) that is valid at the start;
/// charging for charging_duration with the energy delivered linearly at average_power_kw (default energy / duration),
/// then parking, after reservation_duration of reservation; local times in the site's zone (UTC if it is unknown). An
/// EVSE that is not on a current site is NOT_FOUND / UNKNOWN_EVSE, as the error model defines it.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class TariffServiceImpl(ITariffRepository tariffs, ISiteRepository sites, TimeProvider clock) : TariffService.TariffServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    // Bounds of an estimate: beyond them a request is a mistake, and they keep every time and amount in range.
    private const double MaxEnergyKwh = 100_000;
    private const double MaxPowerKw = 10_000;
    private static readonly TimeSpan MaxSpan = TimeSpan.FromDays(31);
    private static readonly DateTimeOffset EarliestStart = DateTimeOffset.UnixEpoch;
    private static readonly DateTimeOffset LatestStart = new(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override async Task<ListTariffsResponse> ListTariffs(ListTariffsRequest request, ServerCallContext context)
    {
        if (request.SiteId.Length > 0 || request.EvseId.Length > 0)
        {
            throw RoamingErrors.Create(
                ErrorKind.NotLive,
                ErrorReason.UseCaseNotLive,
                "Filtering tariffs by site_id or evse_id is not live on this endpoint version; list all and match the connectors' tariff_ids.");
        }

        var provider = context.Caller().PartyId;
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        long? updatedSince = RequestFields.UnixMilliseconds(request.UpdatedSince, "updated_since");
        var cursor = ListingCursor.Start(request.PageToken, ListingCursor.FiltersOf(updatedSince), clock.GetUtcNow());
        var rows = await tariffs.ListAsync(
            new TariffPageQuery(provider, updatedSince, cursor.AfterId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var (page, nextPageToken) = cursor.Cut(rows, pageSize, updatedSince is not null, row => row.TariffId, row => row.ChangeSeq);
        var response = new ListTariffsResponse
        {
            Tariffs = { page.Select(row => Tariff.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
            NextPageToken = nextPageToken,
        };

        return response;
    }

    public override async Task<GetTariffResponse> GetTariff(GetTariffRequest request, ServerCallContext context)
    {
        var tariffId = TariffValidator.TariffId(request.TariffId, "tariff_id");
        var row = await tariffs.GetAsync(tariffId, context.CancellationToken).ConfigureAwait(false);
        if (!TariffChoice.VisibleTo(row, context.Caller().PartyId))
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownTariff, $"Tariff '{tariffId}' does not exist for you or was removed.", [new("tariff_id", tariffId)]);
        }

        return new GetTariffResponse { Tariff = Tariff.Parser.ParseFrom(row.Payload) };
    }

    public override async Task<EstimateCostResponse> EstimateCost(EstimateCostRequest request, ServerCallContext context)
    {
        var caller = context.Caller().PartyId;
        var evseId = EvseIdOf(request.EvseId);
        if (!double.IsFinite(request.EnergyKwh) || request.EnergyKwh <= 0 || request.EnergyKwh > MaxEnergyKwh)
        {
            throw RoamingErrors.InvalidField("energy_kwh", ErrorReason.InvalidField, $"must be above 0 and at most {MaxEnergyKwh} kWh (was {request.EnergyKwh})");
        }

        var charging = Span(request.ChargingDuration, "charging_duration", required: true);
        var parking = Span(request.ParkingDuration, "parking_duration", required: false);
        var reservation = Span(request.ReservationDuration, "reservation_duration", required: false);
        if (request.HasAveragePowerKw && (!double.IsFinite(request.AveragePowerKw) || request.AveragePowerKw <= 0 || request.AveragePowerKw > MaxPowerKw))
        {
            throw RoamingErrors.InvalidField("average_power_kw", ErrorReason.InvalidField, $"must be above 0 and at most {MaxPowerKw} kW (was {request.AveragePowerKw})");
        }

        var start = StartOf(request.StartTime);
        var tariffId = request.TariffId.Length > 0 ? TariffValidator.TariffId(request.TariffId, "tariff_id") : null;

        var row = await sites.GetByEvseAsync(evseId, context.CancellationToken).ConfigureAwait(false);
        var site = row is null ? null : Site.Parser.ParseFrom(row.Payload);
        var evse = site?.Evses.FirstOrDefault(candidate => candidate.EvseId == evseId);
        if (site is null || evse is null)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownEvse, $"EVSE {evseId} is not on any site of this operator.", [new("evse_id", evseId)]);
        }

        var connector = (request.ConnectorId.Length == 0 ? evse.Connectors.FirstOrDefault() : evse.Connectors.FirstOrDefault(candidate => candidate.ConnectorId == request.ConnectorId))
            ?? throw RoamingErrors.Create(
                ErrorKind.NotFound,
                ErrorReason.UnknownConnector,
                $"EVSE {evseId} has no connector '{request.ConnectorId}'.",
                [new("evse_id", evseId), new("connector_id", request.ConnectorId)]);
        var tariff = tariffId is not null
            ? await VisibleTariffAsync(tariffId, caller, context.CancellationToken).ConfigureAwait(false)
            : await ConnectorTariffAsync(evseId, connector, caller, start, context.CancellationToken).ConfigureAwait(false);

        var result = CostEstimate.Price(
            tariff,
            site.TimeZone,
            start,
            (decimal)request.EnergyKwh,
            charging,
            parking,
            request.HasAveragePowerKw ? (decimal)request.AveragePowerKw : null,
            reservation);
        return new EstimateCostResponse
        {
            Totals = PricingMapping.ToCostTotals(result),
            TariffIds = { tariff.TariffId },
            ChargingPeriods = { PricingMapping.ToChargingPeriods(result) },
        };
    }

    private static string EvseIdOf(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw RoamingErrors.MissingField("evse_id");
        }

        try
        {
            return EvseId.Parse(value).ToString();
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField("evse_id", ErrorReason.InvalidIdentifier, ex.Message);
        }
    }

    private static TimeSpan Span(Duration? duration, string field, bool required)
    {
        if (duration is null)
        {
            return required ? throw RoamingErrors.MissingField(field) : TimeSpan.Zero;
        }

        // A normalized duration: nanos within a second and of the same sign as seconds; then positive (or zero when
        // optional) and at most MaxSpan.
        var normalized = duration.Nanos is > -1_000_000_000 and < 1_000_000_000
            && !(duration.Seconds > 0 && duration.Nanos < 0)
            && !(duration.Seconds < 0 && duration.Nanos > 0);
        var span = normalized && Math.Abs(duration.Seconds) <= (long)MaxSpan.TotalSeconds ? duration.ToTimeSpan() : TimeSpan.MaxValue;
        if (span > MaxSpan || span < TimeSpan.Zero || (required && span == TimeSpan.Zero))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be {(required ? "above" : "at least")} 0 and at most {MaxSpan.TotalDays} days");
        }

        return span;
    }

    private DateTimeOffset StartOf(Timestamp? time)
    {
        if (time is null)
        {
            return clock.GetUtcNow();
        }

        var valid = time.Nanos is >= 0 and < 1_000_000_000
            && time.Seconds >= EarliestStart.ToUnixTimeSeconds()
            && time.Seconds < LatestStart.ToUnixTimeSeconds();
        return valid
            ? time.ToDateTimeOffset()
            : throw RoamingErrors.InvalidField("start_time", ErrorReason.InvalidField, $"must be a time from {EarliestStart:yyyy} to {LatestStart:yyyy}");
    }

    private async Task<Tariff> VisibleTariffAsync(string tariffId, string caller, CancellationToken cancellationToken)
    {
        var row = await tariffs.GetAsync(tariffId, cancellationToken).ConfigureAwait(false);
        return TariffChoice.VisibleTo(row, caller)
            ? Tariff.Parser.ParseFrom(row.Payload)
            : throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownTariff, $"Tariff '{tariffId}' does not exist for you or was removed.", [new("tariff_id", tariffId)]);
    }

    // The tariff that applies to the caller at the connector (TariffChoice): the estimate prices with it.
    private async Task<Tariff> ConnectorTariffAsync(string evseId, Connector connector, string caller, DateTimeOffset start, CancellationToken cancellationToken)
    {
        var rows = new List<TariffRow?>();
        foreach (var tariffId in connector.TariffIds)
        {
            rows.Add(await tariffs.GetAsync(tariffId, cancellationToken).ConfigureAwait(false));
        }

        return TariffChoice.Applicable(rows, caller, start) ?? throw RoamingErrors.Create(
            ErrorKind.NotFound,
            ErrorReason.UnknownTariff,
            $"No tariff of connector '{connector.ConnectorId}' of EVSE {evseId} applies to you at {start:O}.",
            [new("evse_id", evseId), new("connector_id", connector.ConnectorId)]);
    }
}
