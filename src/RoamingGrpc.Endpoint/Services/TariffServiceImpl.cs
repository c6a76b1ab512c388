using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Interceptors;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Tariffs;

namespace RoamingGrpc.Endpoint.Services;

/// <summary>
/// UC2-2 (and the pull side of UC2-1), hosted by the visited-CSO for registered CSPs: a CSP only ever sees the
/// general tariffs and its own; another CSP's tariff is reported as not found. EstimateCost is not live yet.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class TariffServiceImpl(ITariffRepository tariffs, TimeProvider clock) : TariffService.TariffServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<ListTariffsResponse> ListTariffs(ListTariffsRequest request, ServerCallContext context)
    {
        if (request.SiteId.Length > 0 || request.EvseId.Length > 0)
        {
            throw RoamingErrors.Create(
                StatusCode.Unimplemented,
                ErrorReason.UseCaseNotLive,
                "Filtering tariffs by site_id or evse_id is not live on this endpoint version; list all and match the connectors' tariff_ids.");
        }

        var provider = context.Caller().PartyId;
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        long? updatedSince = request.UpdatedSince?.ToDateTimeOffset().ToUnixTimeMilliseconds();
        var cursor = ListingCursor.Start(request.PageToken, ListingCursor.FiltersOf(updatedSince), clock.GetUtcNow());
        var rows = await tariffs.ListAsync(
            new TariffPageQuery(provider, updatedSince, cursor.AfterId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).ToList();
        var response = new ListTariffsResponse
        {
            Tariffs = { page.Select(row => Tariff.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
        };
        if (rows.Count > pageSize)
        {
            response.NextPageToken = cursor.After(updatedSince is not null, page[^1].TariffId, page[^1].ChangeSeq).Encode();
        }

        return response;
    }

    public override async Task<GetTariffResponse> GetTariff(GetTariffRequest request, ServerCallContext context)
    {
        var tariffId = Mapping.TariffValidator.TariffId(request.TariffId, "tariff_id");
        var row = await tariffs.GetAsync(tariffId, context.CancellationToken).ConfigureAwait(false);
        if (row is null || row.Removed || (row.TargetProvider is not null && row.TargetProvider != context.Caller().PartyId))
        {
            throw RoamingErrors.Create(StatusCode.NotFound, ErrorReason.UnknownTariff, $"Tariff '{tariffId}' does not exist for you or was removed.", [new("tariff_id", tariffId)]);
        }

        return new GetTariffResponse { Tariff = Tariff.Parser.ParseFrom(row.Payload) };
    }
}
