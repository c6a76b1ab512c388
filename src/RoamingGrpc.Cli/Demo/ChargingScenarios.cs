using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using RoamingGrpc.Cli.Simulator;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Storage.PartnerData;
using RoamingGrpc.Storage.Tokens;

namespace RoamingGrpc.Cli.Demo;

/// <summary>
/// The Annex A charging scenarios between the demo's CSO and CSP: A.1 (QR code: remote start, charging information,
/// remote stop, SDR), A.2 (navigation: find a compatible EVSE nearby with its price, reserve it, charge on the
/// reservation) and A.3 (RFID card at the EVSE: online authorization, and again with the CSP unreachable using the
/// offline token list), each ending with the SDR checked against its hand-computed totals.
/// </summary>
internal sealed class ChargingScenarios(
    DemoTrace trace,
    CspBackofficeService.CspBackofficeServiceClient cspBackoffice,
    CsoBackofficeService.CsoBackofficeServiceClient csoBackoffice,
    ChargingService.ChargingServiceClient charging,
    SdrService.SdrServiceClient sdrs,
    ReservationService.ReservationServiceClient reservations,
    SupportService.SupportServiceClient support,
    Func<WebApplication> csp,
    IPartnerTokenLists csoTokenLists,
    Func<CancellationToken, Task> stopCsp,
    Func<CancellationToken, Task> restartCsp)
{
    /// <summary>DC charger at Berlin Hauptbahnhof; DE-8EO's negotiated DC tariff applies there (0.50 EUR flat + 0.49 EUR/kWh, 19 % VAT).</summary>
    public const string QrEvse = "DE*ABC*EBERHBF*1";

    /// <summary>AC chargers at Marienplatz; the general AC tariff applies (0.39 EUR/kWh + 1.20 EUR/h charging, 19 % VAT).</summary>
    public const string RfidEvse = "DE*ABC*EMUCMARIENPLATZ*1";

    /// <summary>The second AC charger at Marienplatz, for the offline run.</summary>
    public const string OfflineEvse = "DE*ABC*EMUCMARIENPLATZ*2";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);
    private static readonly Token AppUser = new() { Uid = "app-user-4711", Type = TokenType.AppUser, ContractId = "DE-8EO-CAPP04711", Valid = true, Whitelist = WhitelistType.Allowed, VisualNumber = "Anna's app" };
    private static readonly Token RfidCard = new() { Uid = "04A2B3C4D5E6F7", Type = TokenType.Rfid, ContractId = "DE-8EO-CRFID0001", Valid = true, Whitelist = WhitelistType.AllowedOffline, VisualNumber = "DE-8EO-0001-2", Issuer = "Demo e-mobility provider" };

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var agent = new StationAgent(csoBackoffice, new TraceWriter(trace));
        using var stationStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var station = Task.Run(() => agent.RunAsync(stationStop.Token), CancellationToken.None);
        try
        {
            await PrepareAsync(cancellationToken).ConfigureAwait(false);
            await QrCodeAsync(agent, cancellationToken).ConfigureAwait(false);
            await NavigationAsync(agent, cancellationToken).ConfigureAwait(false);
            await RfidAsync(agent, online: true, cancellationToken).ConfigureAwait(false);
            await RfidAsync(agent, online: false, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stationStop.CancelAsync().ConfigureAwait(false);
            await station.ConfigureAwait(false);
        }
    }

    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        trace.Section("UC4-2 Tokens: the CSP's back office issues an app user and an RFID card; the CSO receives the offline list");
        foreach (var token in new[] { AppUser, RfidCard })
        {
            var issued = await cspBackoffice.IssueTokenAsync(new IssueTokenRequest { RequestId = Guid.NewGuid().ToString(), Token = token }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            trace.Line($"CSP back office IssueToken {issued.Token.Type} {issued.Token.Uid} contract {issued.Token.ContractId}, whitelist {Name(issued.Token.Whitelist)}");
        }

        var deadline = DateTime.UtcNow + StepTimeout;
        IReadOnlyList<PartnerTokenRow> held = [];
        while (DateTime.UtcNow < deadline && held.Count < 2)
        {
            held = await csoTokenLists.TokensAsync("DE-8EO", cancellationToken).ConfigureAwait(false);
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        trace.Line($"CSO holds DE-8EO's token list: {held.Count} token(s), pushed by the CSP's distributor (TokenUpdateService.PushTokenUpdates)");

        // The stations are free again after the status simulation.
        var now = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        await csoBackoffice.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Statuses = { new[] { QrEvse, RfidEvse, OfflineEvse }.Select(evse => new EvseStatusEvent { EvseId = evse, Status = EvseStatus.Available, ChangeTime = now }) },
            },
            deadline: Deadline(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    // A.1: the user scans the EVSE's QR code in the CSP's app.
    private async Task QrCodeAsync(StationAgent agent, CancellationToken cancellationToken)
    {
        trace.Section($"Annex A.1 QR code: the app user scans {QrEvse}; UC3-2 remote start, UC3-6 charging information, UC3-4 remote stop, UC3-5/UC3-9 SDR");
        var started = await cspBackoffice.RequestRemoteStartAsync(
            new RequestRemoteStartRequest { RequestId = Guid.NewGuid().ToString(), Token = Ref(AppUser), EvseId = QrEvse, IdentificationMethod = IdentificationMethod.QrApp },
            deadline: Deadline(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var sessionId = started.Session.SessionId;
        trace.Line($"CSP back office RequestRemoteStart -> CSO {started.OperatorId} StartSession: accepted, command {Short(started.CommandId)}, session {Short(sessionId)} {Name(started.Session.State)}, outcome within {started.ResultTimeout.ToTimeSpan().TotalSeconds:0} s");
        using var watch = new ChargingWatch(charging, sessionId, trace);
        var watching = watch.RunAsync(cancellationToken);
        var startResult = await CommandResultAsync(started.OperatorId, started.CommandId, cancellationToken).ConfigureAwait(false);
        trace.Line($"CSP GetCommandResult {Short(started.CommandId)}: {Name(startResult?.Result ?? CommandResultType.Unspecified)}");
        await agent.ChargeAsync(sessionId, 30, 50, cancellationToken).ConfigureAwait(false);
        var stopped = await cspBackoffice.RequestRemoteStopAsync(
            new RequestRemoteStopRequest { RequestId = Guid.NewGuid().ToString(), OperatorId = started.OperatorId, SessionId = sessionId },
            deadline: Deadline(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        trace.Line($"CSP back office RequestRemoteStop -> CSO StopSession: accepted, command {Short(stopped.CommandId)}");
        var stopResult = await CommandResultAsync(started.OperatorId, stopped.CommandId, cancellationToken).ConfigureAwait(false);
        trace.Line($"CSP GetCommandResult {Short(stopped.CommandId)}: {Name(stopResult?.Result ?? CommandResultType.Unspecified)}");
        var sdr = await SdrAsync(sessionId, cancellationToken).ConfigureAwait(false);
        await watch.StopAsync().ConfigureAwait(false);
        await watching.ConfigureAwait(false);
        var accepted = sdr is null ? null : await sdrs.AcceptSdrAsync(new AcceptSdrRequest { RequestId = Guid.NewGuid().ToString(), SdrId = sdr.SdrId }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
        trace.Line($"CSP -> CSO AcceptSdr: {Name(accepted?.Sdr.Status ?? SdrStatus.Unspecified)} (version {accepted?.Sdr.Version})");

        // 0.50 flat + 30 kWh x 0.49 = 15.20 excl. VAT; 19 % VAT = 2.888 -> 2.89; 18.09 incl. VAT (parking is free here).
        trace.Check(
            "A.1 QR code: remote start and stop, live charging information, SDR 15.20 EUR excl. / 18.09 EUR incl. VAT pushed once and accepted",
            startResult?.Result == CommandResultType.Started
            && stopResult?.Result == CommandResultType.Stopped
            && watch.Energies.Contains(30)
            && sdr is { Totals.TotalCostExclVat.Amount: "15.20", Totals.TotalCostInclVat.Amount: "18.09", AuthorizationMethod: AuthorizationMethod.Command }
            && accepted?.Sdr.Status == SdrStatus.Accepted);
    }

    // A.2: the app looks for a fast charger near Berlin Hauptbahnhof, reserves the best one and charges there.
    private async Task NavigationAsync(StationAgent agent, CancellationToken cancellationToken)
    {
        trace.Section("Annex A.2 navigation: the CSP answers \"available CCS chargers near me, with my price\" from its synchronized data; UC3-8 reservation, then charging as A.1");
        var found = await cspBackoffice.FindEvsesAsync(
            new FindEvsesRequest
            {
                Near = new GeoLocation { Latitude = 52.5251, Longitude = 13.3694 },
                RadiusMeters = 2_000,
                ConnectorStandards = { ConnectorStandard.Iec62196T2Combo },
                MinPowerKw = 50,
                AvailableOnly = true,
                EnergyKwh = 40,
            },
            deadline: Deadline(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var candidate in found.Offers.Take(3))
        {
            trace.Line($"CSP back office FindEvses: {candidate.EvseId} at {candidate.SiteName}, {candidate.DistanceMeters:0} m, {Name(candidate.Status)}, "
                + $"tariff {candidate.TariffId}: 40 kWh for {candidate.EstimatedCost?.TotalCostInclVat?.Amount ?? "-"} {candidate.EstimatedCost?.TotalCostInclVat?.CurrencyCode} incl. VAT");
        }

        var offer = found.Offers.FirstOrDefault(candidate => candidate.Capabilities.Contains(EvseCapability.Reservable));
        Sdr? sdr = null;
        Reservation? reservation = null;
        CommandResult? unlocked = null;
        IReadOnlyList<ChargePlan> plans = [];
        var delivered = 0.0;
        if (offer is not null)
        {
            var created = await reservations.CreateReservationAsync(
                new CreateReservationRequest { RequestId = Guid.NewGuid().ToString(), Token = Ref(AppUser), EvseId = offer.EvseId, ExpiryTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(15)) },
                deadline: Deadline(),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            reservation = await ReservationAsync(created.Reservation.ReservationId, ReservationState.Active, cancellationToken).ConfigureAwait(false);
            trace.Line($"CSP -> CSO CreateReservation {offer.EvseId} for 15 min: command {Short(created.CommandId)}, reservation {Short(created.Reservation.ReservationId)} {Name(reservation?.State ?? ReservationState.Unspecified)}");
            var started = await cspBackoffice.RequestRemoteStartAsync(
                new RequestRemoteStartRequest { RequestId = Guid.NewGuid().ToString(), Token = Ref(AppUser), EvseId = offer.EvseId, ReservationId = created.Reservation.ReservationId },
                deadline: Deadline(),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            trace.Line($"CSP back office RequestRemoteStart on the reservation: session {Short(started.Session.SessionId)}");
            var startResult = await CommandResultAsync(started.OperatorId, started.CommandId, cancellationToken).ConfigureAwait(false);
            if (startResult?.Result == CommandResultType.Started)
            {
                // UC3-10: the local transformer is near its limit; the CSO caps the session at 30 kW and tells the CSP why.
                var grid = await agent.OverrideAsync(
                    started.Session.SessionId,
                    new ChargePlanSpec { Schedule = new ChargingSchedule { RateUnit = ChargingRateUnit.W, Periods = { new ChargingSchedulePeriod { StartOffset = Duration.FromTimeSpan(TimeSpan.Zero), Limit = 30_000 } } } },
                    ChargePlanUpdateReason.GridConstraint,
                    "transformer at 90 % load",
                    cancellationToken).ConfigureAwait(false);
                trace.Line($"CSO back office OverrideChargePlan: {Name(grid.Source)} plan {Name(grid.Status)}, 30 kW, reason {Name(grid.UpdateReason)}; the CSP is informed by push and on its stream");
                delivered = await agent.ChargeAsync(started.Session.SessionId, 40, 50, cancellationToken).ConfigureAwait(false);
                plans = await PushedPlanAsync(started.Session.SessionId, cancellationToken).ConfigureAwait(false);
                var stopped = await cspBackoffice.RequestRemoteStopAsync(
                    new RequestRemoteStopRequest { RequestId = Guid.NewGuid().ToString(), OperatorId = started.OperatorId, SessionId = started.Session.SessionId },
                    deadline: Deadline(),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                await CommandResultAsync(started.OperatorId, stopped.CommandId, cancellationToken).ConfigureAwait(false);
                sdr = await SdrAsync(started.Session.SessionId, cancellationToken).ConfigureAwait(false);
                reservation = await ReservationAsync(created.Reservation.ReservationId, ReservationState.Used, cancellationToken).ConfigureAwait(false);

                // UC5-2: the cable stays locked after the session; the user calls the CSP's help desk.
                var unlock = await support.UnlockConnectorAsync(
                    new UnlockConnectorRequest { RequestId = Guid.NewGuid().ToString(), SessionId = started.Session.SessionId, Reason = "user reports the cable is stuck" },
                    deadline: Deadline(),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                unlocked = await CommandResultAsync(started.OperatorId, unlock.CommandId, cancellationToken).ConfigureAwait(false);
                trace.Line($"CSP help desk -> CSO UnlockConnector for session {Short(started.Session.SessionId)}: accepted, command {Short(unlock.CommandId)}, outcome {Name(unlocked?.Result ?? CommandResultType.Unspecified)}");
            }
        }

        // Offer: 0.50 flat + 40 kWh x 0.49 = 20.10 excl. VAT; 19 % = 3.819 -> 3.82; 23.92 incl. VAT.
        // Held to 30 kW for the hour: 30 kWh, 0.50 + 14.70 = 15.20 excl.; 2.888 -> 2.89; 18.09 incl. (no reservation price).
        trace.Check(
            "A.2 navigation: nearby CCS EVSE found with its price (23.92 EUR for 40 kWh), reserved, charged on the reservation, SDR 15.20 / 18.09 EUR",
            offer is not null
            && offer.EstimatedCost?.TotalCostInclVat?.Amount == "23.92"
            && reservation?.State == ReservationState.Used
            && sdr is { Totals.TotalCostExclVat.Amount: "15.20", Totals.TotalCostInclVat.Amount: "18.09" });
        trace.Check(
            "UC3-10 charge plan change: the CSO's 30 kW grid limit reached the CSP with its reason and the station drew 30 kWh instead of 40",
            Math.Abs(delivered - 30) < 0.001 && plans.Any(plan => plan.UpdateReason == ChargePlanUpdateReason.GridConstraint));
        trace.Check("UC5-2 emergency unlock: the CSP's help desk unlocked the connector of its session (UNLOCKED)", unlocked?.Result == CommandResultType.Unlocked);
    }

    // The charge plans of a session the CSP endpoint received (durable push, UC3-10).
    private async Task<IReadOnlyList<ChargePlan>> PushedPlanAsync(string sessionId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var held = csp().Services.GetRequiredService<IReceivedRecords>();
            var plans = (await held.ListAsync("DE*ABC", PushKinds.ChargePlan.Name, cancellationToken).ConfigureAwait(false))
                .Select(row => ChargePlan.Parser.ParseFrom(row.Payload))
                .Where(plan => plan.SessionId == sessionId)
                .ToList();
            if (plans.Count > 0)
            {
                return plans;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return [];
    }

    private async Task<Reservation?> ReservationAsync(string reservationId, ReservationState state, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        Reservation? reservation = null;
        while (DateTime.UtcNow < deadline)
        {
            reservation = (await reservations.GetReservationAsync(new GetReservationRequest { ReservationId = reservationId }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false)).Reservation;
            if (reservation.State == state)
            {
                return reservation;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return reservation;
    }

    // A.3: the user holds an RFID card to the EVSE's reader; the CSO authorizes online, or from the offline list.
    private async Task RfidAsync(StationAgent agent, bool online, CancellationToken cancellationToken)
    {
        var evse = online ? RfidEvse : OfflineEvse;
        trace.Section(online
            ? $"Annex A.3 RFID card, CSP reachable: card {RfidCard.Uid} at {evse}; UC3-1 local start, UC4-1 online authorization, SDR"
            : $"Annex A.3 RFID card, CSP unreachable: the CSP endpoint is stopped; UC4-2 offline list decides, the SDR waits in the CSO's outbox");
        if (!online)
        {
            await stopCsp(cancellationToken).ConfigureAwait(false);
            trace.Line("CSP endpoint stopped (a network outage, as far as the CSO can tell)");
        }

        var presented = await csoBackoffice.PresentTokenAsync(
            new PresentTokenRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                EvseId = evse,
                IdentificationMethod = IdentificationMethod.Rfid,
                Token = new TokenRef { Uid = "04:a2:b3:c4:d5:e6:f7", Type = TokenType.Rfid },
            },
            deadline: Deadline(),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        trace.Line($"station back office PresentToken (card read as 04:a2:b3:c4:d5:e6:f7): {Name(presented.Status)} by {Name(presented.AuthorizationMethod)}"
            + (presented.AuthorizationReference.Length > 0 ? $", authorization reference {Short(presented.AuthorizationReference)}" : string.Empty)
            + (presented.Session is null ? string.Empty : $"; session {Short(presented.Session.SessionId)} {Name(presented.Session.State)} for {presented.Session.ProviderId}"));
        Sdr? sdr = null;
        if (presented.Session is { } session)
        {
            await agent.PlugInAsync(session.SessionId, evse, string.Empty, cancellationToken).ConfigureAwait(false);
            await agent.ChargeAsync(session.SessionId, 11, 11, cancellationToken).ConfigureAwait(false);
            var ended = await agent.StopAsync(session.SessionId, StopReason.Local, string.Empty, cancellationToken).ConfigureAwait(false);
            trace.Line($"station: card held again, session {Short(ended.SessionId)} {Name(ended.State)}, {ended.EnergyKwh:0.0} kWh, {ended.CostInclVat?.Amount} {ended.CostInclVat?.CurrencyCode} incl. VAT");
            if (!online)
            {
                await restartCsp(cancellationToken).ConfigureAwait(false);
                trace.Line("CSP endpoint started again on the same database: the CSO's outbox delivers what it missed");
            }

            sdr = await SdrAsync(session.SessionId, cancellationToken).ConfigureAwait(false);
        }

        // 11 kWh x 0.39 = 4.29; 1 h charging x 1.20 = 1.20; 5.49 excl. VAT; 19 % = 1.0431 -> 1.04; 6.53 incl. VAT.
        trace.Check(
            online
                ? "A.3 RFID online: ALLOWED by the CSP in real time, local start and stop, SDR 5.49 / 6.53 EUR"
                : "A.3 RFID offline: ALLOWED from the offline list while the CSP was down, SDR 5.49 / 6.53 EUR delivered after it came back",
            presented.Status == AuthorizationStatus.Allowed
            && presented.AuthorizationMethod == (online ? AuthorizationMethod.Online : AuthorizationMethod.OfflineList)
            && (online ? presented.AuthorizationReference.Length > 0 : presented.AuthorizationReference.Length == 0)
            && sdr is { Totals.TotalCostExclVat.Amount: "5.49", Totals.TotalCostInclVat.Amount: "6.53" });
    }

    private async Task<CommandResult?> CommandResultAsync(string operatorId, string commandId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var result = await cspBackoffice.GetCommandResultAsync(new GetCommandResultRequest { OperatorId = operatorId, CommandId = commandId }, deadline: Deadline(), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.CommandResult is not null)
            {
                return result.CommandResult;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }

    // The SDR of a session as the CSP endpoint received it (durable push), printed.
    private async Task<Sdr?> SdrAsync(string sessionId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StepTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var held = csp().Services.GetRequiredService<IReceivedRecords>();
            var sdr = (await held.ListAsync("DE*ABC", PushKinds.Sdr.Name, cancellationToken).ConfigureAwait(false))
                .Select(row => Sdr.Parser.ParseFrom(row.Payload))
                .FirstOrDefault(candidate => candidate.SessionId == sessionId);
            if (sdr is not null)
            {
                Print(sdr);
                return sdr;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        trace.Line($"no SDR for session {Short(sessionId)} reached the CSP within {StepTimeout.TotalSeconds:0} s");
        return null;
    }

    private void Print(Sdr sdr)
    {
        var totals = sdr.Totals;
        trace.Line($"CSP received SDR {Short(sdr.SdrId)} ({Name(sdr.Status)}, version {sdr.Version}) for session {Short(sdr.SessionId)}:");
        trace.Line($"    token {sdr.Token.Type} {sdr.Token.Uid} contract {sdr.Token.ContractId}; {Name(sdr.IdentificationMethod)}, authorized {Name(sdr.AuthorizationMethod)} {Short(sdr.AuthorizationReference)}");
        trace.Line($"    at {sdr.Location.Name}, {sdr.Location.City}, {sdr.Location.EvseId} connector {sdr.Location.ConnectorId} ({Name(sdr.Location.ConnectorStandard)}, {Name(sdr.Location.ConnectorPowerType)})");
        trace.Line($"    {sdr.StartTime.ToDateTimeOffset():HH:mm} to {sdr.EndTime.ToDateTimeOffset():HH:mm} UTC (station clock), tariff {string.Join(", ", sdr.Tariffs.Select(tariff => tariff.TariffId))}");
        foreach (var period in sdr.ChargingPeriods)
        {
            trace.Line($"    period from {period.StartTime.ToDateTimeOffset():HH:mm}: {string.Join(", ", period.Dimensions.Select(d => $"{Name(d.Type)} {d.Volume.ToString("0.###", CultureInfo.InvariantCulture)}"))}");
        }

        trace.Line($"    energy {totals.TotalEnergyKwh:0.000} kWh, charging {totals.TotalTime?.ToTimeSpan():hh\\:mm}, parking {totals.TotalParkingTime?.ToTimeSpan():hh\\:mm}");
        trace.Line($"    cost: energy {totals.TotalEnergyCostExclVat?.Amount ?? "-"}, time {totals.TotalTimeCostExclVat?.Amount ?? "-"}, parking {totals.TotalParkingCostExclVat?.Amount ?? "-"}, fixed {totals.TotalFixedCostExclVat?.Amount ?? "-"}"
            + $" => {totals.TotalCostExclVat?.Amount} excl. VAT, {totals.TotalCostInclVat?.Amount} {sdr.Currency} incl. VAT");
        if (sdr.SignedMeterData is { } signed)
        {
            trace.Line($"    signed meter data: {signed.Format} {signed.FormatVersion}, {signed.SignedValues.Count} readings ({string.Join(", ", signed.SignedValues.Select(value => value.Nature))}), meter key {signed.PublicKey[..24]}...");
        }
    }

    private static TokenRef Ref(Token token) => new() { Uid = token.Uid, Type = token.Type };

    private static DateTime Deadline() => DateTime.UtcNow.Add(StepTimeout);

    private static string Short(string id) => id.Length > 8 ? id[..8] : id;

    private static string Name<TEnum>(TEnum value)
        where TEnum : struct, System.Enum => Endpoint.Mapping.ProtoEnumNames.Of(value);

    /// <summary>Follows one session on WatchChargingInfo (as the CSP's app backend would) and prints what arrives.</summary>
    private sealed class ChargingWatch(ChargingService.ChargingServiceClient charging, string sessionId, DemoTrace trace) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public List<double> Energies { get; } = [];

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
            using var call = charging.WatchChargingInfo(cancellationToken: linked.Token);
            try
            {
                await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Start = new WatchChargingInfoStart { Snapshot = true, SessionIds = { sessionId } } }, linked.Token).ConfigureAwait(false);
                while (await call.ResponseStream.MoveNext(linked.Token).ConfigureAwait(false))
                {
                    var message = call.ResponseStream.Current;
                    if (message.Event is not { } streamEvent)
                    {
                        continue;
                    }

                    if (streamEvent.ChargingInfo is { } info && info.SessionId == sessionId)
                    {
                        Energies.Add(info.EnergyKwh);
                        trace.Line($"  CSP app  <- WatchChargingInfo #{streamEvent.Sequence}: {Name(info.State)}, {info.EnergyKwh:0.0} kWh, {info.PowerKw:0} kW"
                            + (info.HasStateOfCharge ? $", SoC {info.StateOfCharge:0} %" : string.Empty)
                            + (info.CostInclVat is null ? string.Empty : $", cost so far {info.CostInclVat.Amount} {info.CostInclVat.CurrencyCode}"));
                    }
                    else if (streamEvent.CommandResult is { } result)
                    {
                        trace.Line($"  CSP app  <- WatchChargingInfo #{streamEvent.Sequence}: command {Short(result.CommandId)} {Name(result.Result)}");
                    }

                    await call.RequestStream.WriteAsync(new WatchChargingInfoRequest { Ack = new StreamAck { Sequence = streamEvent.Sequence } }, linked.Token).ConfigureAwait(false);
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && _stop.IsCancellationRequested)
            {
                // The demo stopped watching.
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // The demo stopped watching.
            }
        }

        public async Task StopAsync()
        {
            await Task.Delay(200).ConfigureAwait(false); // let the last events of the session arrive
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        public void Dispose() => _stop.Dispose();
    }

    /// <summary>Sends the station's lines into the trace.</summary>
    private sealed class TraceWriter(DemoTrace trace) : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void WriteLine(string? value) => trace.Line(value ?? string.Empty);

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
