using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Reservations;

/// <summary>
/// What reservation tests add to the <see cref="ChargingRig"/>: a second site S2 whose two EVSEs are RESERVABLE (the
/// rig's own S1 EVSEs are not), priced by the rig's tariff or by <see cref="TariffId"/>, which bills reservations; a
/// reservation clock that tests move forward instead of waiting; ReservationService clients of both CSPs; and the
/// station's side of reservation commands.
/// </summary>
internal sealed class ReservationKit : IAsyncDisposable
{
    public const string SiteId = "S2";
    public const string EvseId = "DE*ABC*ES2*1";
    public const string SecondEvseId = "DE*ABC*ES2*2";

    /// <summary>
    /// The tariff that bills reservations: an expired reservation 2.00 EUR plus 3.00 EUR per hour; the time of a used
    /// reservation 1.20 EUR per hour; charging 0.40 EUR/kWh plus 1.00 EUR per session; all with 19 % VAT.
    /// </summary>
    public const string TariffId = "T-RES";

    public static readonly TokenRef AppUser = new() { Uid = "app-user-1", Type = TokenType.AppUser, ContractId = "DE-8EO-CAB123456" };
    public static readonly TokenRef OtherUser = new() { Uid = "app-user-2", Type = TokenType.AppUser };

    private ReservationKit(ChargingRig rig, FakeTimeProvider clock)
    {
        Rig = rig;
        Clock = clock;
        Reservations = new ReservationService.ReservationServiceClient(rig.Endpoints.Channel(rig.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, rig.Endpoints.Cso));
        OtherReservations = new ReservationService.ReservationServiceClient(rig.Endpoints.Channel(rig.OtherCertificates, ChargingRig.OtherCsp, rig.Endpoints.Cso));
        Statuses = new EvseStatusService.EvseStatusServiceClient(rig.Endpoints.Channel(rig.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, rig.Endpoints.Cso));
    }

    public ChargingRig Rig { get; }

    /// <summary>The CSO endpoint's clock; it starts at <see cref="T0"/> and moves only when a test advances it (its timers with it).</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>When the CSO's clock started: a whole minute three hours ago, like the rig's station times.</summary>
    public DateTimeOffset T0 { get; private init; }

    /// <summary>ReservationService of the CSO, called as DE-8EO.</summary>
    public ReservationService.ReservationServiceClient Reservations { get; }

    /// <summary>ReservationService of the CSO, called as FR-ZZZ.</summary>
    public ReservationService.ReservationServiceClient OtherReservations { get; }

    private EvseStatusService.EvseStatusServiceClient Statuses { get; }

    /// <summary>Starts the rig with a movable reservation clock and publishes site S2 priced by <paramref name="tariffId"/>.</summary>
    public static async Task<ReservationKit> StartAsync(ITestOutputHelper output, string tariffId = ChargingRig.TariffId, IReadOnlyDictionary<string, string?>? csoSettings = null)
    {
        var t0 = ChargingRig.SessionStart();
        var clock = new FakeTimeProvider(t0);
        var rig = await ChargingRig.StartAsync(output, csoSettings, services => services.AddSingleton<TimeProvider>(clock));
        var kit = new ReservationKit(rig, clock) { T0 = t0 };
        await kit.PublishAsync(tariffId);
        return kit;
    }

    /// <summary>The tariff <see cref="TariffId"/>: the RESERVATION_EXPIRES element first, so that expiry is priced by it.</summary>
    public static Tariff ReservationTariff() => new()
    {
        TariffId = TariffId,
        Currency = "EUR",
        Elements =
        {
            new TariffElement
            {
                PriceComponents =
                {
                    new PriceComponent { Type = TariffDimensionType.Flat, Price = Eur("2.00"), VatPercent = "19" },
                    new PriceComponent { Type = TariffDimensionType.Time, Price = Eur("3.00"), VatPercent = "19" },
                },
                Restrictions = new TariffRestrictions { Reservation = ReservationRestriction.ReservationExpires },
            },
            new TariffElement
            {
                PriceComponents = { new PriceComponent { Type = TariffDimensionType.Time, Price = Eur("1.20"), VatPercent = "19" } },
                Restrictions = new TariffRestrictions { Reservation = ReservationRestriction.Reservation },
            },
            new TariffElement
            {
                PriceComponents =
                {
                    new PriceComponent { Type = TariffDimensionType.Energy, Price = Eur("0.40"), VatPercent = "19" },
                    new PriceComponent { Type = TariffDimensionType.Flat, Price = Eur("1.00"), VatPercent = "19" },
                },
            },
        },
    };

    /// <summary>A reservation of <paramref name="evseId"/> for <paramref name="token"/> (the app user) until <paramref name="expiry"/>.</summary>
    public static CreateReservationRequest Create(string requestId, string evseId, DateTimeOffset expiry, TokenRef? token = null) =>
        new() { RequestId = requestId, EvseId = evseId, Token = token ?? AppUser, ExpiryTime = Timestamp.FromDateTimeOffset(expiry) };

    /// <summary>Reserves as DE-8EO and lets the station accept: the reservation is ACTIVE when this returns.</summary>
    public async Task<CreateReservationResponse> ReserveAsync(CreateReservationRequest request)
    {
        var created = await Reservations.CreateReservationAsync(request, deadline: ChargingRig.Soon());
        await AnswerAsync(created.CommandId, CommandResultType.Accepted);
        return created;
    }

    /// <summary>The station receives command <paramref name="commandId"/> and reports <paramref name="result"/> for it.</summary>
    public async Task<StationCommand> AnswerAsync(string commandId, CommandResultType result)
    {
        var command = await Rig.NextCommandAsync(candidate => candidate.CommandId == commandId);
        await Rig.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = commandId, Result = result },
            deadline: ChargingRig.Soon());
        return command;
    }

    /// <summary>The EVSE's status as the CSO publishes it (UC1-3).</summary>
    public async Task<EvseStatus> StatusAsync(string evseId)
    {
        var listed = await Statuses.ListEvseStatusesAsync(new ListEvseStatusesRequest { EvseIds = { evseId } }, deadline: ChargingRig.Soon());
        return listed.EvseStatuses.Single().Status;
    }

    /// <summary>The reservation as DE-8EO reads it.</summary>
    public async Task<Reservation> GetAsync(string reservationId) =>
        (await Reservations.GetReservationAsync(new GetReservationRequest { ReservationId = reservationId }, deadline: ChargingRig.Soon())).Reservation;

    /// <summary>The status code and ErrorInfo reason a call failed with.</summary>
    public static async Task<(StatusCode Code, string? Reason)> Refused<T>(AsyncUnaryCall<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        return (error.StatusCode, ChargingRig.ReasonOf(error));
    }

    public ValueTask DisposeAsync() => Rig.DisposeAsync();

    private async Task PublishAsync(string tariffId)
    {
        if (tariffId == TariffId)
        {
            await Rig.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "reservation-tariff", Tariff = ReservationTariff() }, deadline: ChargingRig.Soon());
        }

        var site = TestSites.Create(SiteId);
        foreach (var evse in site.Evses)
        {
            evse.Capabilities.Add(EvseCapability.Reservable);
            foreach (var connector in evse.Connectors)
            {
                connector.TariffIds.Add(tariffId);
            }
        }

        await Rig.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "reservable-site", Site = site }, deadline: ChargingRig.Soon());
        var changed = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3));
        await Rig.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "reservable-available",
                Statuses =
                {
                    new EvseStatusEvent { EvseId = EvseId, Status = EvseStatus.Available, ChangeTime = changed },
                    new EvseStatusEvent { EvseId = SecondEvseId, Status = EvseStatus.Available, ChangeTime = changed },
                },
            },
            deadline: ChargingRig.Soon());
    }

    private static Money Eur(string amount) => new() { CurrencyCode = "EUR", Amount = amount };
}
