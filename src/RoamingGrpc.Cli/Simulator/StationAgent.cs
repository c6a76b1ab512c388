using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.ChargePlans;
using RoamingGrpc.Endpoint.Mapping;

namespace RoamingGrpc.Cli.Simulator;

/// <summary>
/// Stands in for the charging stations behind a CSO endpoint during charging: follows WatchStationCommands and executes
/// start, stop, unlock, charge plan and reservation commands (an unlock always succeeds: UNLOCKED; a reservation is
/// held until released), plugs in after local
/// authorizations, charges (meter values), and ends sessions with OCMF signed meter data, all through the CSO's
/// back-office API. Sessions run on a simulated station clock that starts <see cref="SessionLength"/> in the past, so
/// that a demo session of seconds is priced like one of 90 minutes.
/// The power a session draws follows its charge plan in force (a CSO override over the CSP's plan): a schedule applies
/// from its start_time mapped onto the station clock, or without one from the start of charging (the simulated hour
/// of charging is played when <see cref="ChargeAsync"/> runs, after the plans arrived); current limits are taken at
/// <see cref="NominalVolts"/> on <see cref="NominalPhases"/> phases. Preferences do not limit the power.
/// </summary>
/// <param name="backoffice">The CSO's back office.</param>
/// <param name="output">Where the station's lines go.</param>
/// <param name="autoChargeKwh">When set, a remotely started session charges this much at once (for a standalone simulator).</param>
internal sealed class StationAgent(CsoBackofficeService.CsoBackofficeServiceClient backoffice, TextWriter output, double? autoChargeKwh = null) : IDisposable
{
    /// <summary>The simulated length of a session: 60 minutes charging, then 30 minutes parked.</summary>
    public static readonly TimeSpan SessionLength = TimeSpan.FromMinutes(90);

    /// <summary>Voltage (line to neutral) at which the simulated stations turn current limits into power.</summary>
    public const double NominalVolts = 230;

    /// <summary>Phases on which the simulated stations turn current limits into power.</summary>
    public const int NominalPhases = 3;

    private readonly ConcurrentDictionary<string, Charge> _charges = new();
    private readonly ConcurrentDictionary<string, ChargePlanSpec> _cspPlans = new();
    private readonly ConcurrentDictionary<string, ChargePlanSpec> _overrides = new();
    private readonly MeterSigner _meter = new();

    /// <summary>The meter that signs the readings.</summary>
    public MeterSigner Meter => _meter;

    /// <summary>Executes START_SESSION, STOP_SESSION, UNLOCK_CONNECTOR, SET/CLEAR_CHARGE_PLAN and CREATE/CANCEL_RESERVATION commands until cancelled; other commands are answered NOT_SUPPORTED.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var call = backoffice.WatchStationCommands(new WatchStationCommandsRequest(), cancellationToken: cancellationToken);
            try
            {
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    var command = call.ResponseStream.Current.Command;
                    switch (command.CommandType)
                    {
                        case CommandType.StartSession:
                            await output.WriteLineAsync($"  station  <- START_SESSION {Short(command.CommandId)} at {command.EvseId}: cable plugged, energy flows").ConfigureAwait(false);
                            if (command.ChargePlan is { } startPlan)
                            {
                                _cspPlans[command.SessionId] = startPlan;
                            }

                            await PlugInAsync(command.SessionId, command.EvseId, command.CommandId, cancellationToken).ConfigureAwait(false);
                            if (autoChargeKwh is { } energy)
                            {
                                await ChargeAsync(command.SessionId, energy, 22, cancellationToken).ConfigureAwait(false);
                            }

                            break;
                        case CommandType.StopSession:
                            await output.WriteLineAsync($"  station  <- STOP_SESSION {Short(command.CommandId)} for session {Short(command.SessionId)}").ConfigureAwait(false);
                            await StopAsync(command.SessionId, StopReason.Remote, command.CommandId, cancellationToken).ConfigureAwait(false);
                            break;
                        case CommandType.UnlockConnector:
                            await output.WriteLineAsync($"  station  <- UNLOCK_CONNECTOR {Short(command.CommandId)} at {command.EvseId} connector {(command.ConnectorId.Length > 0 ? command.ConnectorId : "(any)")} for {command.ProviderId}: \"{command.Reason}\"").ConfigureAwait(false);
                            await backoffice.ReportCommandResultAsync(
                                new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = command.CommandId, Result = CommandResultType.Unlocked, Message = "connector unlocked; the cable can be removed" },
                                cancellationToken: cancellationToken).ConfigureAwait(false);
                            break;
                        case CommandType.SetChargePlan:
                            await output.WriteLineAsync($"  station  <- SET_CHARGE_PLAN {Short(command.CommandId)} for session {Short(command.SessionId)}: {Describe(command.ChargePlan)}").ConfigureAwait(false);
                            _cspPlans[command.SessionId] = command.ChargePlan;
                            await AcceptAsync(command.CommandId, "charge plan applied", cancellationToken).ConfigureAwait(false);
                            break;
                        case CommandType.ClearChargePlan:
                            await output.WriteLineAsync($"  station  <- CLEAR_CHARGE_PLAN {Short(command.CommandId)} for session {Short(command.SessionId)}").ConfigureAwait(false);
                            _cspPlans.TryRemove(command.SessionId, out _);
                            await AcceptAsync(command.CommandId, "charge plan cleared", cancellationToken).ConfigureAwait(false);
                            break;
                        case CommandType.CreateReservation:
                            await output.WriteLineAsync($"  station  <- CREATE_RESERVATION {Short(command.CommandId)} at {command.EvseId} until {command.ExpiryTime.ToDateTimeOffset():HH:mm} UTC: held for the token").ConfigureAwait(false);
                            await AcceptAsync(command, cancellationToken).ConfigureAwait(false);
                            break;
                        case CommandType.CancelReservation:
                            await output.WriteLineAsync($"  station  <- CANCEL_RESERVATION {Short(command.CommandId)} at {command.EvseId}: released").ConfigureAwait(false);
                            await AcceptAsync(command, cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            await backoffice.ReportCommandResultAsync(
                                new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = command.CommandId, Result = CommandResultType.NotSupported, Message = "the simulator does not execute this command" },
                                cancellationToken: cancellationToken).ConfigureAwait(false);
                            break;
                    }
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
            {
                await output.WriteLineAsync($"  station  command stream interrupted ({ex.Status.Detail}); reconnecting").ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The EV is connected and energy flows (STARTED); <paramref name="commandId"/> when a remote start caused it.</summary>
    public async Task PlugInAsync(string sessionId, string evseId, string commandId, CancellationToken cancellationToken)
    {
        var start = DateTimeOffset.UtcNow.Subtract(SessionLength);
        start = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero);
        _charges[sessionId] = new Charge(evseId, start, DateTimeOffset.UtcNow - start, 0, 0);
        await ReportAsync(sessionId, SessionEventType.Started, start, 0, commandId, StopReason.Unspecified, null, cancellationToken).ConfigureAwait(false);
        await StatusAsync(evseId, EvseStatus.Charging, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Charges up to <paramref name="energyKwh"/> over the first hour at <paramref name="powerKw"/>, or less where the
    /// charge plan in force limits the power (two meter values), then charging ends. Returns the energy delivered.
    /// </summary>
    public async Task<double> ChargeAsync(string sessionId, double energyKwh, double powerKw, CancellationToken cancellationToken)
    {
        var charge = _charges[sessionId];
        var (halfway, halfwayPower) = Drawn(sessionId, charge, TimeSpan.FromMinutes(30), energyKwh / 2, powerKw);
        var (delivered, endPower) = Drawn(sessionId, charge, TimeSpan.FromMinutes(60), energyKwh, powerKw);
        var values = new ReportMeterValuesRequest { RequestId = Guid.NewGuid().ToString(), SessionId = sessionId };
        values.Values.Add(new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(charge.Start.AddMinutes(30)), EnergyKwh = halfway, PowerKw = halfwayPower, StateOfCharge = 45 });
        values.Values.Add(new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(charge.Start.AddMinutes(60)), EnergyKwh = delivered, PowerKw = endPower, StateOfCharge = 80 });
        var info = await backoffice.ReportMeterValuesAsync(values, cancellationToken: cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"  station  meter: {info.ChargingInfo.EnergyKwh:0.0} kWh at {endPower:0.#} kW, SoC {info.ChargingInfo.StateOfCharge:0} %, cost so far {info.ChargingInfo.CostInclVat?.Amount ?? "-"} {info.ChargingInfo.CostInclVat?.CurrencyCode}").ConfigureAwait(false);
        await ReportAsync(sessionId, SessionEventType.ChargingEnded, charge.Start.AddMinutes(60), delivered, string.Empty, StopReason.Unspecified, null, cancellationToken).ConfigureAwait(false);
        _charges[sessionId] = charge with { EnergyKwh = delivered };
        return delivered;
    }

    /// <summary>
    /// The operator's load management puts a plan in force over the CSP's (<paramref name="spec"/>), or ends its
    /// override (null): through OverrideChargePlan (UC3-10), and applied at the station at once.
    /// </summary>
    public async Task<ChargePlan> OverrideAsync(string sessionId, ChargePlanSpec? spec, ChargePlanUpdateReason reason, string reasonDetail, CancellationToken cancellationToken)
    {
        var response = await backoffice.OverrideChargePlanAsync(
            new OverrideChargePlanRequest { RequestId = Guid.NewGuid().ToString(), SessionId = sessionId, Spec = spec, Reason = reason, ReasonDetail = reasonDetail },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (spec is null)
        {
            _overrides.TryRemove(sessionId, out _);
        }
        else
        {
            _overrides[sessionId] = spec;
        }

        await output.WriteLineAsync($"  station  load management for session {Short(sessionId)}: {(spec is null ? "override ended" : Describe(spec))} ({reason})").ConfigureAwait(false);
        return response.ChargePlan;
    }

    /// <summary>The session ends (the cable is unplugged or a stop command arrived): STOPPED with signed readings.</summary>
    public async Task<Session> StopAsync(string sessionId, StopReason reason, string commandId, CancellationToken cancellationToken)
    {
        var charge = _charges[sessionId];
        var end = charge.Start.Add(SessionLength);
        var signed = _meter.Sign(sessionId, charge.EvseId, (charge.Start, charge.MeterStart), (end, charge.MeterStart + charge.EnergyKwh));
        var session = await ReportAsync(sessionId, SessionEventType.Stopped, end, charge.EnergyKwh, commandId, reason, signed, cancellationToken).ConfigureAwait(false);
        _charges.TryRemove(sessionId, out _);
        _cspPlans.TryRemove(sessionId, out _);
        _overrides.TryRemove(sessionId, out _);
        await StatusAsync(charge.EvseId, EvseStatus.Available, cancellationToken).ConfigureAwait(false);
        return session;
    }

    public void Dispose() => _meter.Dispose();

    // A command the station carried out without a session event (reservations): ACCEPTED, at the EVSE it names.
    private Task<ReportCommandResultResponse> AcceptAsync(StationCommand command, CancellationToken cancellationToken) =>
        backoffice.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = command.CommandId, Result = CommandResultType.Accepted, EvseId = command.EvseId },
            cancellationToken: cancellationToken).ResponseAsync;

    private async Task<Session> ReportAsync(string sessionId, SessionEventType type, DateTimeOffset at, double energyKwh, string commandId, StopReason reason, SignedMeterData? signed, CancellationToken cancellationToken)
    {
        var response = await backoffice.ReportSessionEventAsync(
            new ReportSessionEventRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                SessionId = sessionId,
                Type = type,
                EventTime = Timestamp.FromDateTimeOffset(at),
                EnergyKwh = energyKwh,
                CommandId = commandId,
                StopReason = reason,
                SignedMeterData = signed,
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Session;
    }

    // EVSE status (UC1-3) follows the session, stamped with the real clock (the status log orders by change time).
    private Task<ReportEvseStatusResponse> StatusAsync(string evseId, EvseStatus status, CancellationToken cancellationToken) =>
        backoffice.ReportEvseStatusAsync(
            new ReportEvseStatusRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Statuses = { new EvseStatusEvent { EvseId = evseId, Status = status, ChangeTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) } },
            },
            cancellationToken: cancellationToken).ResponseAsync;

    private Task<ReportCommandResultResponse> AcceptAsync(string commandId, string message, CancellationToken cancellationToken) =>
        backoffice.ReportCommandResultAsync(
            new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = commandId, Result = CommandResultType.Accepted, Message = message },
            cancellationToken: cancellationToken).ResponseAsync;

    // Energy drawn from the start of charging to `at` (at most `wanted`) and the power drawn just before `at`, under the
    // schedule in force: the CSO's override, else the CSP's plan.
    private (double EnergyKwh, double PowerKw) Drawn(string sessionId, Charge charge, TimeSpan at, double wanted, double powerKw)
    {
        var plan = _overrides.TryGetValue(sessionId, out var cso) ? cso : _cspPlans.GetValueOrDefault(sessionId);
        if (plan?.Schedule is not { } schedule)
        {
            return (wanted, powerKw);
        }

        var start = schedule.StartTime is { } startTime ? startTime.ToDateTimeOffset() - charge.Shift : charge.Start;
        Func<double, double> toKw = schedule.RateUnit == ChargingRateUnit.A ? amperes => amperes * NominalVolts * NominalPhases / 1000 : watts => watts / 1000;
        var limits = ChargePlanMapping.ScheduleOf(schedule);
        var offset = charge.Start - start;
        var energy = Math.Min(wanted, limits.EnergyKwh(offset, offset + at, powerKw, toKw));
        var power = limits.LimitAt(offset + at - TimeSpan.FromMinutes(1)) is { } limit ? Math.Min(powerKw, toKw(limit)) : powerKw;
        return (energy, power);
    }

    private static string Describe(ChargePlanSpec spec) => spec.KindCase switch
    {
        ChargePlanSpec.KindOneofCase.Schedule => $"schedule of {spec.Schedule.Periods.Count} period(s) in {spec.Schedule.RateUnit}, first limit {spec.Schedule.Periods[0].Limit:0.#}",
        ChargePlanSpec.KindOneofCase.Preferences => $"preferences {spec.Preferences.ProfileType}",
        _ => "empty plan",
    };

    private static string Short(string id) => id.Length > 8 ? id[..8] : id;

    /// <summary>
    /// A session in progress at a station: EVSE, simulated start, how far the station clock runs behind the real one,
    /// meter reading at start, energy so far.
    /// </summary>
    private sealed record Charge(string EvseId, DateTimeOffset Start, TimeSpan Shift, double MeterStart, double EnergyKwh);

}
