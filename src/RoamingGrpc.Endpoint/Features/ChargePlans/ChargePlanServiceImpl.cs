using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.ChargePlans;
using RoamingGrpc.Storage.Charging;

namespace RoamingGrpc.Endpoint.Features.ChargePlans;

/// <summary>
/// UC3-7 charge plan exchange, hosted by the visited-CSO for registered CSPs and their own PENDING or ACTIVE sessions
/// (another CSP's session is NOT_FOUND / UNKNOWN_SESSION). SetChargePlan and ClearChargePlan are commands: checked
/// against the session's EVSE at once (capability, connector maximum), then executed by the station, whose outcome
/// follows as a CommandResult; GetChargePlan answers the plan in force, which may be a CSO override (UC3-10).
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class ChargePlanServiceImpl(
    ChargePlanRequests requests,
    StationCommands commands,
    ISessionStore sessions,
    IChargePlanStore plans,
    IdempotentWriter writer) : ChargePlanService.ChargePlanServiceBase
{
    public override async Task<SetChargePlanResponse> SetChargePlan(SetChargePlanRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var spec = ChargePlanValidator.Spec(request.Spec, "spec");
        var response = await writer.OnceAsync(context, requestId, request, SetChargePlanResponse.Parser, write =>
            {
                var (plan, command) = requests.Set(write, context.Caller().PartyId, sessionId, spec, requestId);
                return new SetChargePlanResponse { CommandId = command.CommandId, ChargePlan = plan, ResultTimeout = commands.ResultTimeout };
            }).ConfigureAwait(false);
        return response;
    }

    public override async Task<GetChargePlanResponse> GetChargePlan(GetChargePlanRequest request, ServerCallContext context)
    {
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var session = await sessions.GetAsync(sessionId, context.CancellationToken).ConfigureAwait(false);
        if (session is null || session.Provider != context.Caller().PartyId)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSession, $"Session '{sessionId}' does not exist.", [new("session_id", sessionId)]);
        }

        var row = await plans.GetAsync(sessionId, context.CancellationToken).ConfigureAwait(false);
        return row is not null && ChargePlansInForce.InForce(row) is { } plan
            ? new GetChargePlanResponse { ChargePlan = plan }
            : throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownChargePlan, $"Session '{sessionId}' has no charge plan in force.", [new("session_id", sessionId)]);
    }

    public override async Task<ClearChargePlanResponse> ClearChargePlan(ClearChargePlanRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var response = await writer.OnceAsync(context, requestId, request, ClearChargePlanResponse.Parser, write => new ClearChargePlanResponse { CommandId = requests.Clear(write, context.Caller().PartyId, sessionId, requestId).CommandId, ResultTimeout = commands.ResultTimeout }).ConfigureAwait(false);
        return response;
    }

}
