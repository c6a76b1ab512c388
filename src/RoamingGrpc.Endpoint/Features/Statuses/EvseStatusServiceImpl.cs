using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Endpoint.Streams;
using RoamingGrpc.Storage.Status;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Statuses;

/// <summary>
/// UC1-3, hosted by the visited-CSO for registered CSPs: the current statuses (paged pull) and the resumable
/// bidirectional status stream (see <see cref="LogStreamSession{TRequest, TResponse, TEntry}"/> and <see cref="StatusStreamProtocol"/>).
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class EvseStatusServiceImpl(
    IEvseStatusStore statuses,
    CommitNotifier notifier,
    EndpointSettings endpoint,
    IOptions<StreamOptions> streamOptions,
    IHostApplicationLifetime lifetime,
    Observability.RoamingMetrics metrics,
    TimeProvider clock) : EvseStatusService.EvseStatusServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<ListEvseStatusesResponse> ListEvseStatuses(ListEvseStatusesRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        var filter = StatusFilter.From(request.SiteIds, request.EvseIds, endpoint.Identity);
        // The token carries the first page's sequence, so every page answers the sequence to resume after: a
        // later page may show newer statuses, whose changes the stream then replays in order (same end state).
        var token = Paging.DecodeCursor(request.PageToken);
        long? firstSequence = null;
        string? after = null;
        if (token is not null)
        {
            var bar = token.IndexOf('|', StringComparison.Ordinal);
            if (bar <= 0 || !long.TryParse(token.AsSpan(0, bar), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var carried))
            {
                throw RoamingErrors.InvalidField("page_token", ErrorReason.InvalidPageToken, "is not a page token of ListEvseStatuses; start again with an empty page_token");
            }

            firstSequence = carried;
            after = token[(bar + 1)..];
        }

        // A page may hold fewer than page_size statuses when filters skip some; the token still moves on.
        var (sequence, page) = await statuses.SnapshotAsync(after, pageSize, context.CancellationToken).ConfigureAwait(false);
        firstSequence ??= sequence;
        var response = new ListEvseStatusesResponse
        {
            EvseStatuses = { page.Where(filter.Matches).Select(StatusValidator.ToProto) },
            Sequence = (ulong)firstSequence.Value,
        };
        if (page.Count == pageSize)
        {
            response.NextPageToken = Paging.EncodeCursor(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{firstSequence.Value}|{page[^1].EvseId}"));
        }

        return response;
    }

    public override async Task WatchEvseStatus(
        IAsyncStreamReader<WatchEvseStatusRequest> requestStream,
        IServerStreamWriter<WatchEvseStatusResponse> responseStream,
        ServerCallContext context)
    {
        // Streams end when the endpoint stops, so that shutdown does not wait for them; consumers resume elsewhere
        // or after the restart from their cursor.
        await StreamLifetime.RunAsync(context, lifetime, token =>
            new LogStreamSession<WatchEvseStatusRequest, WatchEvseStatusResponse, StatusEntry>(
                statuses, new StatusStreamProtocol(statuses, endpoint.Identity), notifier, StoreChanges.StatusLog, streamOptions.Value, metrics, context.Caller().ToString(), clock, requestStream, responseStream, token)
                .RunAsync()).ConfigureAwait(false);
    }
}
