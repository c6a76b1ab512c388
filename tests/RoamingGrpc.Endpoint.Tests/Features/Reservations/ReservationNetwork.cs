using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Reservations;
using RoamingGrpc.Endpoint.Tests.Infrastructure;

namespace RoamingGrpc.Endpoint.Tests.Features.Reservations;

/// <summary>
/// What reservation tests add to the <see cref="ChargingNetwork"/>: a second site S2 whose two EVSEs are RESERVABLE (the
/// network's own S1 EVSEs are not), priced by the network's tariff or by <see cref="TariffId"/>, which bills reservations; a
/// reservation clock that tests move forward instead of waiting; ReservationService clients of both CSPs; and the
/// station's side of reservation commands.
/// </summary>
internal sealed class ReservationNetwork : IAsyncDisposable
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

    private ReservationNetwork(ChargingNetwork network, FakeTimeProvider clock)
    {
        Network = network;
        Clock = clock;
        Reservations = new ReservationService.ReservationServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso));
        OtherReservations = new ReservationService.ReservationServiceClient(network.Endpoints.Channel(network.OtherCertificates, ChargingNetwork.OtherCsp, network.Endpoints.Cso));
        Statuses = new EvseStatusService.EvseStatusServiceClient(network.Endpoints.Channel(network.Endpoints.CspCertificates, TwoEndpoints.CspIdentity, network.Endpoints.Cso));
    }

    public ChargingNetwork Network { get; }

    /// <summary>The CSO endpoint's clock; it starts at <see cref="T0"/> and moves only when a test advances it (its timers with it).</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>When the CSO's clock started: a whole minute three hours ago, like the network's station times.</summary>
    public DateTimeOffset T0 { get; private init; }

    /// <summary>ReservationService of the CSO, called as DE-8EO.</summary>
    public ReservationService.ReservationServiceClient Reservations { get; }

    /// <summary>ReservationService of the CSO, called as FR-ZZZ.</summary>
    public ReservationService.ReservationServiceClient OtherReservations { get; }

    private EvseStatusService.EvseStatusServiceClient Statuses { get; }

    /// <summary>Starts the network with a movable reservation clock and publishes site S2 priced by <paramref name="tariffId"/>.</summary>
    public static async Task<ReservationNetwork> StartAsync(ITestOutputHelper output, string tariffId = ChargingNetwork.TariffId, IReadOnlyDictionary<string, string?>? csoSettings = null)
    {
        var t0 = ChargingNetwork.SessionStart();
        var clock = new FakeTimeProvider(t0);
        var network = await ChargingNetwork.StartAsync(output, csoSettings, services => services.AddSingleton<TimeProvider>(clock));
        var setup = new ReservationNetwork(network, clock) { T0 = t0 };
        await setup.PublishAsync(tariffId);
        return setup;
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
        var created = await Reservations.CreateReservationAsync(request, deadline: ChargingNetwork.Soon());
        await AnswerAsync(created.CommandId, CommandResultType.Accepted);
        return created;
    }

    /// <summary>The station receives command <paramref name="commandId"/> and reports <paramref name="result"/> for it.</summary>
    public async Task<StationCommand> AnswerAsync(string commandId, CommandResultType result)
    {
        var command = await Network.NextCommandAsync(candidate => candidate.CommandId == commandId);
        await Network.Station.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = commandId, Result = result },
            deadline: ChargingNetwork.Soon());
        return command;
    }

    /// <summary>The EVSE's status as the CSO publishes it (UC1-3).</summary>
    public async Task<EvseStatus> StatusAsync(string evseId)
    {
        var listed = await Statuses.ListEvseStatusesAsync(new ListEvseStatusesRequest { EvseIds = { evseId } }, deadline: ChargingNetwork.Soon());
        return listed.EvseStatuses.Single().Status;
    }

    /// <summary>The reservation as DE-8EO reads it.</summary>
    public async Task<Reservation> GetAsync(string reservationId) =>
        (await Reservations.GetReservationAsync(new GetReservationRequest { ReservationId = reservationId }, deadline: ChargingNetwork.Soon())).Reservation;

    /// <summary>The status code and ErrorInfo reason a call failed with.</summary>
    public static async Task<(StatusCode Code, string? Reason)> Refused<T>(AsyncUnaryCall<T> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        return (error.StatusCode, ChargingNetwork.ReasonOf(error));
    }

    public ValueTask DisposeAsync() => Network.DisposeAsync();

    private async Task PublishAsync(string tariffId)
    {
        if (tariffId == TariffId)
        {
            await Network.Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "reservation-tariff", Tariff = ReservationTariff() }, deadline: ChargingNetwork.Soon());
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

        await Network.Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "reservable-site", Site = site }, deadline: ChargingNetwork.Soon());
        var changed = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3));
        await Network.Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "reservable-available",
                Statuses =
                {
                    new EvseStatusEvent { EvseId = EvseId, Status = EvseStatus.Available, ChangeTime = changed },
                    new EvseStatusEvent { EvseId = SecondEvseId, Status = EvseStatus.Available, ChangeTime = changed },
                },
            },
            deadline: ChargingNetwork.Soon());
    }

    private static Money Eur(string amount) => new() { CurrencyCode = "EUR", Amount = amount };
}
