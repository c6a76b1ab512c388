using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Reliability.Endpoints;

namespace RoamingGrpc.Reliability.Chaos;

/// <summary>
/// UC3-8 at one EVSE, reservation after reservation: the CSP reserves the EVSE for its token (CreateReservation with
/// the CSP's partner certificate: its back office has no reservation relay yet), the station confirms the
/// CREATE_RESERVATION command, the CSP cancels, the station confirms CANCEL_RESERVATION. Each request is retried with
/// the same request_id and asked once more after it was answered.
/// </summary>
internal sealed class ReservationTraffic(ChaosContext context, Slot slot)
{
    public async Task RunAsync(CancellationToken stop, CancellationToken cancellationToken)
    {
        while (!stop.IsCancellationRequested)
        {
            await ReservationAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReservationAsync(CancellationToken cancellationToken)
    {
        var reservations = context.ReservationsAsCsp;
        var create = new CreateReservationRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Token = new TokenRef { Uid = slot.Token.Uid, Type = slot.Token.Type, ProviderId = Parties.Csp.PartyId },
            EvseId = slot.EvseId,
            ExpiryTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(20)),
        };
        var created = await context.Retrying.CallAsync("CreateReservation", options => reservations.CreateReservationAsync(create, options), cancellationToken).ConfigureAwait(false);
        var again = await context.Retrying.CallAsync("CreateReservation", options => reservations.CreateReservationAsync(create, options), cancellationToken).ConfigureAwait(false);
        if (again.CommandId != created.CommandId || again.Reservation?.ReservationId != created.Reservation?.ReservationId)
        {
            context.Ledger.Violation($"CreateReservation {create.RequestId} answered command {created.CommandId}, then for the same request_id command {again.CommandId}");
        }

        var reservationId = created.Reservation?.ReservationId ?? throw new ReliabilityException($"CreateReservation {create.RequestId}: no reservation in the answer");
        var run = new ReservationRun(reservationId, slot.EvseId);
        context.Ledger.Reservations[reservationId] = run;
        context.Ledger.Reservation();
        await ConfirmAsync(created.CommandId, CommandType.CreateReservation, create.RequestId, cancellationToken).ConfigureAwait(false);

        var cancel = new CancelReservationRequest { RequestId = Guid.NewGuid().ToString(), ReservationId = reservationId };
        var canceling = await context.Retrying.CallAsync("CancelReservation", options => reservations.CancelReservationAsync(cancel, options), cancellationToken).ConfigureAwait(false);
        var cancelAgain = await context.Retrying.CallAsync("CancelReservation", options => reservations.CancelReservationAsync(cancel, options), cancellationToken).ConfigureAwait(false);
        if (cancelAgain.CommandId != canceling.CommandId)
        {
            context.Ledger.Violation($"CancelReservation {cancel.RequestId} answered command {canceling.CommandId}, then for the same request_id command {cancelAgain.CommandId}");
        }

        await ConfirmAsync(canceling.CommandId, CommandType.CancelReservation, cancel.RequestId, cancellationToken).ConfigureAwait(false);
        run.FinalState = ReservationState.Canceled;
    }

    // The station receives the command and reports it carried out.
    private async Task ConfirmAsync(string commandId, CommandType type, string requestId, CancellationToken cancellationToken)
    {
        var command = await context.Station.CommandAsync(commandId, ChaosContext.CommandWait, cancellationToken).ConfigureAwait(false);
        if (command.CommandType != type || command.RequestId != requestId || command.EvseId != slot.EvseId)
        {
            context.Ledger.Violation($"command {commandId}: the station received {command.CommandType} at {command.EvseId} (request {command.RequestId}), expected {type} at {slot.EvseId} (request {requestId})");
        }

        var report = new ReportCommandResultRequest { RequestId = Guid.NewGuid().ToString(), CommandId = commandId, Result = CommandResultType.Accepted, EvseId = slot.EvseId };
        await context.Retrying.CallAsync($"ReportCommandResult {type}", options => context.Pair.CsoBackoffice.ReportCommandResultAsync(report, options), cancellationToken).ConfigureAwait(false);
        context.Ledger.Commands[commandId] = (type, CommandResultType.Accepted);
    }
}
