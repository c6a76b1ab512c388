using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Charging;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Sdrs;

/// <summary>
/// UC3-9 on the visited-CSO for registered CSPs: the SDRs billed to the caller (paged, by period of the service, or as
/// a delta of changes), and the CSP's accept or dispute of each. Status changes are pushed back to the CSP as new SDR
/// versions, so its copy follows; another CSP's SDR is NOT_FOUND / UNKNOWN_SDR.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class SdrServiceImpl(
    ISdrStore sdrs,
    SdrIssuer issuer,
    IdempotentWriter writer,
    TimeProvider clock) : SdrService.SdrServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;
    private const int MaxDisputeDetailLength = 512;

    public override async Task<ListSdrsResponse> ListSdrs(ListSdrsRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        long? updatedSince = RequestFields.UnixMilliseconds(request.UpdatedSince, "updated_since");
        long? endFrom = RequestFields.UnixMilliseconds(request.StartTime, "start_time");
        long? endBefore = RequestFields.UnixMilliseconds(request.EndTime, "end_time");
        if (endFrom is not null && endBefore is not null && endBefore <= endFrom)
        {
            throw RoamingErrors.InvalidField("end_time", ErrorReason.InvalidField, "must be after start_time");
        }

        var statuses = RequestFields.EnumFilter(request.Statuses, "statuses");
        var cursor = ListingCursor.Start(request.PageToken, ListingCursor.FiltersOf(updatedSince, endFrom, endBefore, string.Join('+', statuses)), clock.GetUtcNow());
        var rows = await sdrs.ListAsync(
            new SdrPageQuery(context.Caller().PartyId, updatedSince, endFrom, endBefore, statuses, cursor.AfterId, cursor.AfterChangeSeq, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var (page, nextPageToken) = cursor.Cut(rows, pageSize, updatedSince is not null, row => row.SdrId, row => row.ChangeSeq);
        var response = new ListSdrsResponse
        {
            Sdrs = { page.Select(row => Sdr.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
            NextPageToken = nextPageToken,
        };

        return response;
    }

    public override async Task<GetSdrResponse> GetSdr(GetSdrRequest request, ServerCallContext context)
    {
        var sdrId = RequestFields.LocalId(request.SdrId, "sdr_id");
        var row = await sdrs.GetAsync(sdrId, context.CancellationToken).ConfigureAwait(false);
        return row is not null && row.Provider == context.Caller().PartyId
            ? new GetSdrResponse { Sdr = Sdr.Parser.ParseFrom(row.Payload) }
            : throw UnknownSdr(sdrId);
    }

    public override async Task<AcceptSdrResponse> AcceptSdr(AcceptSdrRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sdrId = RequestFields.LocalId(request.SdrId, "sdr_id");
        var response = await writer.OnceAsync(context, requestId, request, AcceptSdrResponse.Parser, write => new AcceptSdrResponse { Sdr = Move(write, context.Caller().PartyId, sdrId, SdrStatus.Accepted, SdrDisputeReason.Unspecified, string.Empty) }).ConfigureAwait(false);
        return response;
    }

    public override async Task<DisputeSdrResponse> DisputeSdr(DisputeSdrRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var sdrId = RequestFields.LocalId(request.SdrId, "sdr_id");
        if (request.Reason == SdrDisputeReason.Unspecified || !System.Enum.IsDefined(request.Reason))
        {
            throw RoamingErrors.InvalidField("reason", request.Reason == SdrDisputeReason.Unspecified ? ErrorReason.MissingField : ErrorReason.InvalidField, "must be one of the SDR_DISPUTE_REASON values (not UNSPECIFIED)");
        }

        if (request.Detail.Length > MaxDisputeDetailLength || (request.Reason == SdrDisputeReason.Other && request.Detail.Length == 0))
        {
            throw RoamingErrors.InvalidField("detail", ErrorReason.InvalidField, $"is required for OTHER and at most {MaxDisputeDetailLength} characters");
        }

        var response = await writer.OnceAsync(context, requestId, request, DisputeSdrResponse.Parser, write => new DisputeSdrResponse { Sdr = Move(write, context.Caller().PartyId, sdrId, SdrStatus.Disputed, request.Reason, request.Detail) }).ConfigureAwait(false);
        return response;
    }

    // NEW -> ACCEPTED or DISPUTED; repeating the same move succeeds unchanged; anything else is WRONG_STATE.
    private Sdr Move(WriteContext write, string provider, string sdrId, SdrStatus target, SdrDisputeReason reason, string detail)
    {
        var row = sdrs.Find(write, sdrId);
        if (row is null || row.Provider != provider)
        {
            throw UnknownSdr(sdrId);
        }

        var sdr = Sdr.Parser.ParseFrom(row.Payload);
        if (sdr.Status == target)
        {
            return sdr;
        }

        if (sdr.Status != SdrStatus.New)
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                $"SDR '{sdrId}' is {ProtoEnumNames.Of(sdr.Status)}; only a NEW SDR can be {(target == SdrStatus.Accepted ? "accepted" : "disputed")}.",
                [new("sdr_id", sdrId)]);
        }

        var now = clock.GetUtcNow();
        sdr.Status = target;
        sdr.DisputeReason = reason;
        sdr.DisputeDetail = detail;
        sdr.UpdateTime = Timestamp.FromDateTimeOffset(now);
        sdr.Version++;
        issuer.Save(write, sdr, row.Origin, now);
        return sdr;
    }

    private static RoamingException UnknownSdr(string sdrId) =>
        RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownSdr, $"SDR '{sdrId}' does not exist.", [new("sdr_id", sdrId)]);
}
