using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.ChargePlans;

/// <summary>The back office's side of UC3-10 (<c>CsoBackofficeService.OverrideChargePlan</c>): the CSO's own plan in force over the CSP's, once per request id.</summary>
internal sealed class ChargePlanBackoffice(ChargePlanRequests requests, IdempotentWriter writer)
{
    public Task<OverrideChargePlanResponse> OverrideAsync(OverrideChargePlanRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var reason = ChargePlanValidator.OverrideReason(request.Reason, "reason");
        var detail = ChargePlanValidator.ReasonDetail(request.ReasonDetail, "reason_detail");
        var spec = request.Spec is null ? null : ChargePlanValidator.Spec(request.Spec, "spec");
        return writer.OnceAsync(context, requestId, request, OverrideChargePlanResponse.Parser, write => new OverrideChargePlanResponse { ChargePlan = requests.Override(write, sessionId, spec, reason, detail) });
    }
}
