using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Requests;

namespace RoamingGrpc.Endpoint.Services;

/// <summary>
/// Once-per-request-id answers for calls that only read and decide (AuthorizeToken): the decision is made from
/// committed state off the single writer, answered at once, and its record (request hash and response) written
/// behind, in the writer's next batch. A retry with the same request id gets the same response whether its record is
/// still in flight or committed; the same request id with a different request is REQUEST_ID_REUSED, as with
/// <see cref="IdempotentWriter"/>.
/// </summary>
/// <remarks>
/// Calls with the same key in flight at once share one decision (the first creates it, the others await it). The
/// record leaves the in-flight table only after it committed, so a later call finds it in the table or in the
/// database, never in neither. What the write-behind gives up: a record still queued when the process dies is lost,
/// so a retry after a crash is decided afresh (the first answer may not have reached the caller either). A record
/// that fails to commit is logged as an error. When the writer falls behind by <see cref="MaxInFlight"/> records,
/// callers wait for their own record to commit, so the in-flight table stays bounded.
/// </remarks>
public sealed partial class IdempotentDecisions(IDatabase database, IRequestLog log, TimeProvider clock, ILogger<IdempotentDecisions> logger)
{
    /// <summary>Uncommitted records beyond which callers wait for their commit.</summary>
    public const int MaxInFlight = 10_000;

    private readonly ConcurrentDictionary<RequestKey, Task<LoggedRequest>> _inFlight = new();

    /// <summary>Decides once for this request id (see the class remarks) and returns the (recorded) response.</summary>
    public async Task<TResponse> DecideAsync<TRequest, TResponse>(
        PartyIdentity caller,
        string method,
        string requestId,
        TRequest request,
        MessageParser<TResponse> parser,
        Func<CancellationToken, Task<TResponse>> decide,
        CancellationToken cancellationToken)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(decide);
        var key = new RequestKey(caller.ToString(), method, requestId);
        var hash = SHA256.HashData(request.ToByteArray());
        var mine = new TaskCompletionSource<LoggedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _inFlight.GetOrAdd(key, mine.Task);
        if (shared != mine.Task)
        {
            return Answer(await shared.WaitAsync(cancellationToken).ConfigureAwait(false), hash, parser, requestId, method);
        }

        Task? committed = null;
        try
        {
            var earlier = await log.FindAsync(key, cancellationToken).ConfigureAwait(false);
            if (earlier is not null)
            {
                mine.SetResult(earlier);
                return Answer(earlier, hash, parser, requestId, method);
            }

            var response = await decide(cancellationToken).ConfigureAwait(false);
            var record = new LoggedRequest(hash, response.ToByteArray());
            mine.SetResult(record);
            committed = RecordAsync(key, record, mine.Task);
            if (_inFlight.Count > MaxInFlight)
            {
                await committed.ConfigureAwait(false);
            }

            return response;
        }
        catch (Exception ex)
        {
            // Not recorded (as a refused mutation is not): waiting duplicates get the same error, later retries decide again.
            mine.TrySetException(ex);
            throw;
        }
        finally
        {
            if (committed is null)
            {
                _inFlight.TryRemove(new KeyValuePair<RequestKey, Task<LoggedRequest>>(key, mine.Task));
            }
        }
    }

    // Never throws: nobody may be waiting for it. A failure is logged as an error (the answer has gone out; only
    // its record is missing, so a retry of this request id is decided afresh).
    private async Task RecordAsync(RequestKey key, LoggedRequest record, Task<LoggedRequest> entry)
    {
        try
        {
            await database.WriteAsync(
                context =>
                {
                    if (log.Find(context, key) is null)
                    {
                        log.Add(context, key, record, clock.GetUtcNow());
                    }

                    return 0;
                },
                CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Not ignored: logged as an error, see above.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.RecordLost(logger, key.Method, key.Caller, key.RequestId, ex);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<RequestKey, Task<LoggedRequest>>(key, entry));
        }
    }

    private static TResponse Answer<TResponse>(LoggedRequest earlier, byte[] hash, MessageParser<TResponse> parser, string requestId, string method)
        where TResponse : IMessage<TResponse> =>
        CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash)
            ? parser.ParseFrom(earlier.Response)
            : throw RoamingErrors.Create(
                StatusCode.AlreadyExists,
                ErrorReason.RequestIdReused,
                $"request_id '{requestId}' was already used for a different {method} request; use a new request_id for a new request.",
                [new("request_id", requestId)]);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "The record of {Method} request {RequestId} from {Caller} was answered but could not be stored")]
        public static partial void RecordLost(ILogger logger, string method, string caller, string requestId, Exception exception);
    }
}
