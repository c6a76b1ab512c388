using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage.PartnerData;

namespace RoamingGrpc.Endpoint.Tests.Infrastructure;

/// <summary>
/// A CSO (DE*ABC) with one site of two remote-capable EVSEs priced by tariff <see cref="TariffId"/>, a CSP (DE-8EO)
/// and a second CSP (FR-ZZZ), all registered with each other over mutual TLS; clients for the CSO's station back
/// office and for each CSP. The tariff makes SDRs easy to check by hand: 0.40 EUR/kWh, 6.00 EUR per parking hour,
/// 1.00 EUR per session, all with 19 % VAT.
/// </summary>
public sealed class ChargingNetwork : IAsyncDisposable
{
    public const string SiteId = "S1";
    public const string EvseId = "DE*ABC*ES1*1";
    public const string SecondEvseId = "DE*ABC*ES1*2";
    public const string TariffId = "T-A1";
    public static readonly PartyIdentity OtherCsp = PartyIdentity.Create(PartyRole.Csp, "FR-ZZZ");
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly List<string> _earlierErrors = [];
    private int _cspPort;
    private readonly IReadOnlyDictionary<string, string?> _csoSettings;
    private readonly Action<IServiceCollection>? _csoServices;

    private ChargingNetwork(TwoEndpoints endpoints, RunningEndpoint other, IReadOnlyDictionary<string, string?> csoSettings, Action<IServiceCollection>? csoServices)
    {
        _csoSettings = csoSettings;
        _csoServices = csoServices;
        Endpoints = endpoints;
        Other = other;
        Station = new CsoBackofficeService.CsoBackofficeServiceClient(endpoints.Channel(
            endpoints.Pki.Issue("cso-backoffice", PartyRole.Backoffice, "DE*ABC"), PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"), endpoints.Cso));
        Charging = new ChargingService.ChargingServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        Sdrs = new SdrService.SdrServiceClient(endpoints.Channel(endpoints.CspCertificates, TwoEndpoints.CspIdentity, endpoints.Cso));
        CspBackoffice = new CspBackofficeService.CspBackofficeServiceClient(endpoints.Channel(
            endpoints.Pki.Issue("csp-backoffice", PartyRole.Backoffice, "DE-8EO"), PartyIdentity.Create(PartyRole.Backoffice, "DE-8EO"), endpoints.Csp));
        OtherCertificates = Path.Combine(endpoints.Root, "other-csp");
        OtherCharging = new ChargingService.ChargingServiceClient(endpoints.Channel(OtherCertificates, OtherCsp, endpoints.Cso));
    }

    public TwoEndpoints Endpoints { get; }

    /// <summary>The second CSP endpoint (FR-ZZZ).</summary>
    public RunningEndpoint Other { get; }

    public string OtherCertificates { get; }

    /// <summary>The CSO's back office, as the station (simulator) uses it.</summary>
    public CsoBackofficeService.CsoBackofficeServiceClient Station { get; }

    /// <summary>The CSP's (DE-8EO) back office: tokens and remote commands.</summary>
    public CspBackofficeService.CspBackofficeServiceClient CspBackoffice { get; }

    /// <summary>ChargingService of the CSO, called as DE-8EO.</summary>
    public ChargingService.ChargingServiceClient Charging { get; }

    /// <summary>ChargingService of the CSO, called as FR-ZZZ.</summary>
    public ChargingService.ChargingServiceClient OtherCharging { get; }

    /// <summary>SdrService of the CSO, called as DE-8EO.</summary>
    public SdrService.SdrServiceClient Sdrs { get; }

    /// <summary>
    /// Starts the three endpoints, waits until all are registered, and publishes the site, tariff and statuses.
    /// <paramref name="csoServices"/> may replace services of the CSO (e.g. its clock); <paramref name="cspSettings"/> are
    /// settings of the CSP DE-8EO.
    /// </summary>
    public static async Task<ChargingNetwork> StartAsync(
        ITestOutputHelper output,
        IReadOnlyDictionary<string, string?>? csoSettings = null,
        Action<IServiceCollection>? csoServices = null,
        IReadOnlyDictionary<string, string?>? cspSettings = null)
    {
        var endpoints = TwoEndpoints.Prepare(output);
        await endpoints.StartCspAsync(extra: cspSettings);
        var otherCertificates = endpoints.Pki.Issue("other-csp", PartyRole.Csp, OtherCsp.PartyId);
        var other = await RunningEndpoint.StartAsync(output, OtherCsp, otherCertificates, Path.Combine(endpoints.Root, "other.db"), [(TwoEndpoints.CsoIdentity, null)]);
        await endpoints.StartCsoAsync(endpoints.Csp.Url, csoSettings, [(OtherCsp, other.Url)], services: csoServices);
        var csoDirectory = endpoints.Cso.Services.GetRequiredService<PartnerDirectory>();
        var cspDirectory = endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        var otherDirectory = other.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(
            () => csoDirectory.IsRegistered(TwoEndpoints.CspIdentity) && csoDirectory.IsRegistered(OtherCsp)
                && cspDirectory.IsRegistered(TwoEndpoints.CsoIdentity) && otherDirectory.IsRegistered(TwoEndpoints.CsoIdentity),
            Deadline,
            "the CSO and both CSPs registered with each other");
        var network = new ChargingNetwork(endpoints, other, csoSettings ?? new Dictionary<string, string?>(), csoServices);
        await network.PublishAsync();
        return network;
    }

    /// <summary>Stops the CSO and starts it again on the same database and port (clients keep their channels).</summary>
    public async Task RestartCsoAsync()
    {
        var port = Endpoints.Cso.Url.Port;
        await Endpoints.Cso.DisposeAsync();
        _earlierErrors.AddRange(Endpoints.Cso.Log.Errors);
        var settings = new Dictionary<string, string?>(_csoSettings) { ["Roaming:Listen"] = $"127.0.0.1:{port}" };
        await Endpoints.StartCsoAsync(Endpoints.Csp.Url, settings, [(OtherCsp, Other.Url)], services: _csoServices);
    }

    /// <summary>Stops the CSP (DE-8EO): to the CSO it is unreachable from now on.</summary>
    public async Task StopCspAsync()
    {
        _cspPort = Endpoints.Csp.Url.Port;
        await Endpoints.Csp.DisposeAsync();
        _earlierErrors.AddRange(Endpoints.Csp.Log.Errors);
    }

    /// <summary>
    /// Starts the CSP again on its database and port, and waits until the CSO has it registered again. A CSP that lost
    /// its database no longer knows the CSO's URL: <paramref name="csoHandshakesAgain"/> has the CSO's operator run the
    /// handshake from its back office (PartnerBackofficeService.RunHandshake), as after a partner's data loss.
    /// </summary>
    public async Task StartCspAgainAsync(bool csoHandshakesAgain = false)
    {
        await Endpoints.StartCspAsync($"127.0.0.1:{_cspPort}");
        if (csoHandshakesAgain)
        {
            var partners = new PartnerBackofficeService.PartnerBackofficeServiceClient(Endpoints.Channel(
                Path.Combine(Endpoints.Root, "cso-backoffice"), PartyIdentity.Create(PartyRole.Backoffice, "DE*ABC"), Endpoints.Cso));
            // As an operator would: the CSO's channel may still be in its reconnect backoff from while the CSP was down,
            // so a handshake can fail UNAVAILABLE; it is run again (a new operator request) until it succeeds.
            var deadline = DateTime.UtcNow + Deadline;
            for (var attempt = 1; ; attempt++)
            {
                var result = (await partners.RunHandshakeAsync(new RunHandshakeRequest { RequestId = $"rehandshake-{attempt}", PartyId = TwoEndpoints.CspIdentity.PartyId }, deadline: Soon())).Results.Single();
                if (result.Success)
                {
                    break;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The CSO's handshake with the restarted CSP still failed after {attempt} attempts: {result.ErrorCode} {result.ErrorReason} {result.ErrorMessage}");
                }

                await Task.Delay(50);
            }
        }

        var directory = Endpoints.Csp.Services.GetRequiredService<PartnerDirectory>();
        await TwoEndpoints.WaitUntilAsync(() => directory.IsRegistered(TwoEndpoints.CsoIdentity), Deadline, "the restarted CSP registered with the CSO");
    }

    /// <summary>A station-clock session start three hours ago, on a whole minute (so hand-computed durations are exact).</summary>
    public static DateTimeOffset SessionStart()
    {
        var now = DateTimeOffset.UtcNow.AddHours(-3);
        return new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
    }

    /// <summary>A deadline for one call.</summary>
    public static DateTime Soon() => DateTime.UtcNow.Add(Deadline);

    /// <summary>The tariff of the network's connectors.</summary>
    public static Tariff Tariff() => new()
    {
        TariffId = TariffId,
        Currency = "EUR",
        Elements =
        {
            new TariffElement
            {
                PriceComponents =
                {
                    new PriceComponent { Type = TariffDimensionType.Energy, Price = Eur("0.40"), VatPercent = "19" },
                    new PriceComponent { Type = TariffDimensionType.ParkingTime, Price = Eur("6.00"), VatPercent = "19" },
                    new PriceComponent { Type = TariffDimensionType.Flat, Price = Eur("1.00"), VatPercent = "19" },
                },
            },
        },
    };

    /// <summary>A station event of a session at a time.</summary>
    public Task<ReportSessionEventResponse> EventAsync(string sessionId, SessionEventType type, DateTimeOffset at, double? energyKwh = null, string commandId = "", StopReason stopReason = StopReason.Unspecified)
    {
        var request = new ReportSessionEventRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            SessionId = sessionId,
            Type = type,
            EventTime = Timestamp.FromDateTimeOffset(at),
            CommandId = commandId,
            StopReason = stopReason,
        };
        if (energyKwh is { } energy)
        {
            request.EnergyKwh = energy;
        }

        return Station.ReportSessionEventAsync(request, deadline: Soon()).ResponseAsync;
    }

    /// <summary>One meter value of a session.</summary>
    public Task<ReportMeterValuesResponse> MeterAsync(string sessionId, DateTimeOffset at, double energyKwh, double powerKw, double? stateOfCharge = null)
    {
        var value = new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(at), EnergyKwh = energyKwh, PowerKw = powerKw };
        if (stateOfCharge is { } soc)
        {
            value.StateOfCharge = soc;
        }

        return Station.ReportMeterValuesAsync(new ReportMeterValuesRequest { RequestId = Guid.NewGuid().ToString(), SessionId = sessionId, Values = { value } }, deadline: Soon()).ResponseAsync;
    }

    /// <summary>The next command the station receives on a fresh WatchStationCommands stream.</summary>
    public async Task<StationCommand> NextCommandAsync(Func<StationCommand, bool> which)
    {
        using var call = Station.WatchStationCommands(new WatchStationCommandsRequest(), deadline: Soon());
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            if (which(call.ResponseStream.Current.Command))
            {
                return call.ResponseStream.Current.Command;
            }
        }

        throw new InvalidOperationException("The station command stream ended without the expected command.");
    }

    /// <summary>Waits until a CSP endpoint holds <paramref name="count"/> records of a kind pushed by the CSO that satisfy <paramref name="done"/>.</summary>
    public static async Task<List<T>> ReceivedAsync<T>(RunningEndpoint csp, string kind, Google.Protobuf.MessageParser<T> parser, Func<List<T>, bool> done)
        where T : Google.Protobuf.IMessage<T>
    {
        var records = csp.Services.GetRequiredService<IReceivedRecords>();
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var received = (await records.ListAsync(TwoEndpoints.CsoIdentity.PartyId, kind, CancellationToken.None)).Select(row => parser.ParseFrom(row.Payload)).ToList();
            if (done(received))
            {
                return received;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{csp.Identity} holds {received.Count} {kind} record(s), not the expected ones, after {Deadline}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The ErrorInfo reason of an RPC error.</summary>
    public static string? ReasonOf(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;

    public async ValueTask DisposeAsync()
    {
        await Other.DisposeAsync();
        var errors = Other.Log.Errors.Concat(_earlierErrors).ToList();
        await Endpoints.DisposeAsync();
        Assert.True(errors.Count == 0, "Unexpected error logs of FR-ZZZ or a stopped CSO:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    private async Task PublishAsync()
    {
        await Station.UpsertTariffAsync(new UpsertTariffRequest { RequestId = "tariff", Tariff = Tariff() }, deadline: Soon());
        var site = TestSites.Create(SiteId);
        foreach (var connector in site.Evses.SelectMany(evse => evse.Connectors))
        {
            connector.TariffIds.Add(TariffId);
        }

        await Station.UpsertSiteAsync(new UpsertSiteRequest { RequestId = "site", Site = site }, deadline: Soon());
        await Station.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = "available",
                Statuses =
                {
                    new EvseStatusEvent { EvseId = EvseId, Status = EvseStatus.Available, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3)) },
                    new EvseStatusEvent { EvseId = SecondEvseId, Status = EvseStatus.Available, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(-3)) },
                },
            },
            deadline: Soon());
    }

    private static Money Eur(string amount) => new() { CurrencyCode = "EUR", Amount = amount };
}
