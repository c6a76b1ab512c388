using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Statuses;

/// <summary>The back office's side of UC1-3 (<c>CsoBackofficeService.ReportEvseStatus</c>): a batch of status changes, applied once per request id.</summary>
internal sealed class StatusBackoffice(StatusReports reports, IdempotentWriter writer, EndpointSettings endpoint)
{
    /// <summary>Most status changes in one report.</summary>
    public const int MaxStatusBatch = 1000;

    public Task<ReportEvseStatusResponse> ReportAsync(ReportEvseStatusRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        if (request.Statuses.Count is 0 or > MaxStatusBatch)
        {
            throw RoamingErrors.InvalidField("statuses", ErrorReason.BatchTooLarge, $"must hold 1 to {MaxStatusBatch} entries (was {request.Statuses.Count})");
        }

        var changes = request.Statuses.Select((status, i) => StatusValidator.Change(status, $"statuses[{i}]", endpoint.Identity)).ToList();
        return writer.OnceAsync(context, requestId, request, ReportEvseStatusResponse.Parser, write => reports.Report(write, changes, endpoint.Identity.PartyId));
    }
}
