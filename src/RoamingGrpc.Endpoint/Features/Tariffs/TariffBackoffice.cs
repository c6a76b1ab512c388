using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Tariffs;

/// <summary>The back office's side of UC2-1 (<c>CsoBackofficeService.UpsertTariff</c>, <c>RemoveTariff</c>): checked, then published once per request id.</summary>
internal sealed class TariffBackoffice(TariffPublisher publisher, IdempotentWriter writer, EndpointSettings endpoint)
{
    public Task<UpsertTariffResponse> UpsertAsync(UpsertTariffRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var tariff = TariffValidator.Canonical(request.Tariff, endpoint.Identity);
        return writer.OnceAsync(context, requestId, request, UpsertTariffResponse.Parser, write => new UpsertTariffResponse { Tariff = publisher.Upsert(write, tariff) });
    }

    public Task<RemoveTariffResponse> RemoveAsync(RemoveTariffRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var tariffId = TariffValidator.TariffId(request.TariffId, "tariff_id");
        return writer.OnceAsync(context, requestId, request, RemoveTariffResponse.Parser, write => new RemoveTariffResponse { Tariff = publisher.Remove(write, tariffId, endpoint.Identity) });
    }
}
