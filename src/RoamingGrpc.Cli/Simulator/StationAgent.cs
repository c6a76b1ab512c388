using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Cli.Simulator;

/// <summary>
/// Stands in for the charging stations behind a CSO endpoint during charging: follows WatchStationCommands and executes
/// start and stop commands and reservations (holds and releases the EVSE), plugs in after local authorizations, charges (meter values), and ends sessions with OCMF
/// signed meter data, all through the CSO's back-office API. Sessions run on a simulated station clock that starts
/// <see cref="SessionLength"/> in the past, so that a demo session of seconds is priced like one of 90 minutes.
/// </summary>
/// <param name="backoffice">The CSO's back office.</param>
/// <param name="output">Where the station's lines go.</param>
/// <param name="autoChargeKwh">When set, a remotely started session charges this much at once (for a standalone simulator).</param>
internal sealed class StationAgent(CsoBackofficeService.CsoBackofficeServiceClient backoffice, TextWriter output, double? autoChargeKwh = null) : IDisposable
{
    /// <summary>The simulated length of a session: 60 minutes charging, then 30 minutes parked.</summary>
    public static readonly TimeSpan SessionLength = TimeSpan.FromMinutes(90);

    private readonly ConcurrentDictionary<string, Charge> _charges = new();
    private readonly MeterSigner _meter = new();

    /// <summary>The meter that signs the readings.</summary>
    public MeterSigner Meter => _meter;

    /// <summary>Executes START_SESSION, STOP_SESSION, CREATE_RESERVATION and CANCEL_RESERVATION commands until cancelled.</summary>
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
        _charges[sessionId] = new Charge(evseId, start, 0, 0);
        await ReportAsync(sessionId, SessionEventType.Started, start, 0, commandId, StopReason.Unspecified, null, cancellationToken).ConfigureAwait(false);
        await StatusAsync(evseId, EvseStatus.Charging, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Charges <paramref name="energyKwh"/> over the first hour (two meter values at <paramref name="powerKw"/>), then charging ends.</summary>
    public async Task ChargeAsync(string sessionId, double energyKwh, double powerKw, CancellationToken cancellationToken)
    {
        var charge = _charges[sessionId];
        var values = new ReportMeterValuesRequest { RequestId = Guid.NewGuid().ToString(), SessionId = sessionId };
        values.Values.Add(new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(charge.Start.AddMinutes(30)), EnergyKwh = energyKwh / 2, PowerKw = powerKw, StateOfCharge = 45 });
        values.Values.Add(new MeterValue { MeasureTime = Timestamp.FromDateTimeOffset(charge.Start.AddMinutes(60)), EnergyKwh = energyKwh, PowerKw = powerKw, StateOfCharge = 80 });
        var info = await backoffice.ReportMeterValuesAsync(values, cancellationToken: cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"  station  meter: {info.ChargingInfo.EnergyKwh:0.0} kWh at {powerKw:0} kW, SoC {info.ChargingInfo.StateOfCharge:0} %, cost so far {info.ChargingInfo.CostInclVat?.Amount ?? "-"} {info.ChargingInfo.CostInclVat?.CurrencyCode}").ConfigureAwait(false);
        await ReportAsync(sessionId, SessionEventType.ChargingEnded, charge.Start.AddMinutes(60), energyKwh, string.Empty, StopReason.Unspecified, null, cancellationToken).ConfigureAwait(false);
        _charges[sessionId] = charge with { EnergyKwh = energyKwh };
    }

    /// <summary>The session ends (the cable is unplugged or a stop command arrived): STOPPED with signed readings.</summary>
    public async Task<Session> StopAsync(string sessionId, StopReason reason, string commandId, CancellationToken cancellationToken)
    {
        var charge = _charges[sessionId];
        var end = charge.Start.Add(SessionLength);
        var signed = _meter.Sign(sessionId, charge.EvseId, (charge.Start, charge.MeterStart), (end, charge.MeterStart + charge.EnergyKwh));
        var session = await ReportAsync(sessionId, SessionEventType.Stopped, end, charge.EnergyKwh, commandId, reason, signed, cancellationToken).ConfigureAwait(false);
        _charges.TryRemove(sessionId, out _);
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

    private static string Short(string id) => id.Length > 8 ? id[..8] : id;

    /// <summary>A session in progress at a station: EVSE, simulated start, meter reading at start, energy so far.</summary>
    private sealed record Charge(string EvseId, DateTimeOffset Start, double MeterStart, double EnergyKwh);
}
