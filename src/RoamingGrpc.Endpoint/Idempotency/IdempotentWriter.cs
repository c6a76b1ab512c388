using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Storage;
using WriteContext = RoamingGrpc.Storage.WriteContext;
using RoamingGrpc.Storage.Requests;

namespace RoamingGrpc.Endpoint.Idempotency;

/// <summary>
/// Runs a mutating RPC at most once per (caller, method, request id): the mutation and the record of its
/// response commit in one transaction. A retry with the same request gets the stored response; the same request
/// id with a different request is refused with ALREADY_EXISTS / REQUEST_ID_REUSED.
/// </summary>
internal sealed class IdempotentWriter(IDatabase database, IRequestLog log, TimeProvider clock)
{
    /// <summary>Runs <paramref name="mutation"/> once for this request id and returns its (stored) response.</summary>
    public Task<TResponse> ExecuteAsync<TRequest, TResponse>(
        PartyIdentity caller,
        string method,
        string requestId,
        TRequest request,
        MessageParser<TResponse> parser,
        Func<WriteContext, TResponse> mutation,
        CancellationToken cancellationToken)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(mutation);
        var (key, hash) = Identify(caller, method, requestId, request);
        return database.WriteAsync(
            context =>
            {
                var earlier = log.Find(context, key);
                if (earlier is not null)
                {
                    return Answer(earlier, hash, parser, requestId, method);
                }

                var response = mutation(context);
                log.Add(context, key, new LoggedRequest(hash, response.ToByteArray()), clock.GetUtcNow());
                return response;
            },
            cancellationToken);
    }

    /// <summary>
    /// Runs a call whose effect happens at a partner (a command relayed to the CSO that executes it) once per request
    /// id as far as this endpoint can tell: a request id answered before gets the recorded answer (or
    /// REQUEST_ID_REUSED); otherwise <paramref name="call"/> runs, outside the writer (which never waits on the
    /// network), and its answer is recorded. The call must carry the same request id and a payload that depends on
    /// nothing but the request, so that the partner deduplicates it: a crash between the call and its record repeats
    /// the call, and the partner answers the repeat with its first answer.
    /// </summary>
    public async Task<TResponse> RelayAsync<TRequest, TResponse>(
        PartyIdentity caller,
        string method,
        string requestId,
        TRequest request,
        MessageParser<TResponse> parser,
        Func<CancellationToken, Task<TResponse>> call,
        CancellationToken cancellationToken)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(call);
        var (key, hash) = Identify(caller, method, requestId, request);
        var earlier = await database.WriteAsync(context => log.Find(context, key), cancellationToken).ConfigureAwait(false);
        if (earlier is not null)
        {
            return Answer(earlier, hash, parser, requestId, method);
        }

        var response = await call(cancellationToken).ConfigureAwait(false);
        return await database.WriteAsync(
            context =>
            {
                // A duplicate in flight at the same time may have recorded the (same) answer first.
                if (log.Find(context, key) is { } recorded)
                {
                    return Answer(recorded, hash, parser, requestId, method);
                }

                log.Add(context, key, new LoggedRequest(hash, response.ToByteArray()), clock.GetUtcNow());
                return response;
            },
            CancellationToken.None).ConfigureAwait(false); // the partner has answered: record it even if our caller gave up
    }

    // The scope of the request id, and what was asked (a retry must ask the same).
    private static (RequestKey Key, byte[] Hash) Identify(PartyIdentity caller, string method, string requestId, IMessage request)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        return (new RequestKey(caller.ToString(), method, requestId), SHA256.HashData(request.ToByteArray()));
    }

    /// <summary>
    /// The answer to a request whose id was processed before: the stored response when the request is the same (by
    /// hash), else ALREADY_EXISTS / REQUEST_ID_REUSED. Shared with <see cref="IdempotentDecisions"/>.
    /// </summary>
    internal static TResponse Answer<TResponse>(LoggedRequest earlier, byte[] hash, MessageParser<TResponse> parser, string requestId, string method)
        where TResponse : IMessage<TResponse> =>
        CryptographicOperations.FixedTimeEquals(earlier.RequestHash, hash)
            ? parser.ParseFrom(earlier.Response)
            : throw RoamingErrors.Create(
                ErrorKind.AlreadyExists,
                ErrorReason.RequestIdReused,
                $"request_id '{requestId}' was already used for a different {method} request; use a new request_id for a new request.",
                [new("request_id", requestId)]);
}
