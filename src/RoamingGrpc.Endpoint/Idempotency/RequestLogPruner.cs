using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Storage.Requests;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Idempotency;

/// <summary>
/// Forgets request ids older than <c>Roaming:Requests:Retention</c> on every endpoint (every AuthorizeToken and every
/// mutating call adds one). Removes them a bounded chunk per write, so the single writer keeps serving between chunks.
/// </summary>
internal sealed partial class RequestLogPruner(
    IRequestLog requests,
    IOptions<RequestOptions> requestOptions,
    TimeProvider clock,
    ILogger<RequestLogPruner> logger) : PeriodicJob(clock, logger)
{
    /// <summary>Most request records removed in one write.</summary>
    public const int Chunk = 5_000;

    protected override TimeSpan Interval => requestOptions.Value.PruneInterval;

    protected override string Job => "Pruning the request log";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var retention = requestOptions.Value.Retention;
        var before = Clock.GetUtcNow() - retention;
        var total = 0;
        int removed;
        do
        {
            removed = await requests.PruneAsync(before, Chunk, cancellationToken).ConfigureAwait(false);
            total += removed;
        }
        while (removed == Chunk && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            Log.Pruned(Logger, total, retention);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Pruning.RequestIdsForgotten, Level = LogLevel.Information, Message = "Forgot {Count} request ids older than {Retention}")]
        public static partial void Pruned(ILogger logger, int count, TimeSpan retention);
    }
}
