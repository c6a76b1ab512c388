using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Tariffs;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Sdrs;

/// <summary>The back office's side of UC3-9 (<c>CsoBackofficeService.CorrectSdr</c>): a disputed SDR credited and replaced, once per request id.</summary>
internal sealed class SdrBackoffice(SdrIssuer issuer, IdempotentWriter writer)
{
    /// <summary>Longest remark of a correction.</summary>
    public const int MaxRemarkLength = 255;

    public Task<CorrectSdrResponse> CorrectAsync(CorrectSdrRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sdrId = RequestFields.LocalId(request.SdrId, "sdr_id");
        if (string.IsNullOrWhiteSpace(request.Remark) || request.Remark.Length > MaxRemarkLength)
        {
            throw RoamingErrors.InvalidField("remark", string.IsNullOrWhiteSpace(request.Remark) ? ErrorReason.MissingField : ErrorReason.InvalidField, $"is required: say why, in at most {MaxRemarkLength} characters");
        }

        var tariffId = request.TariffId.Length > 0 ? TariffValidator.TariffId(request.TariffId, "tariff_id") : string.Empty;
        return writer.OnceAsync(context, requestId, request, CorrectSdrResponse.Parser, write =>
            {
                var correction = issuer.Correct(write, sdrId, request.HasEnergyKwh ? request.EnergyKwh : null, tariffId, request.Remark);
                return new CorrectSdrResponse { OriginalSdr = correction.Original, CreditSdr = correction.Credit, CorrectedSdr = correction.Corrected };
            });
    }
}
