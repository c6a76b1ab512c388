using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.Tokens;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Tokens;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Tokens;

/// <summary>
/// UC4-2 push side, hosted by the visited-CSO for registered CSPs: each CSP's token list, kept with its version for
/// offline authorization. A FULL list (in chunks, in order) replaces the list atomically with its final chunk, and a
/// new FULL version discards an incomplete one; a DELTA applies only on exactly the version held (else
/// FAILED_PRECONDITION / LIST_VERSION_MISMATCH with current_version, and the CSP sends a FULL list). A (version,
/// chunk) received before is answered DUPLICATE and changes nothing. A CSP only ever writes its own list.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed class TokenUpdateServiceImpl(
    IPartnerTokenLists lists,
    IdempotentWriter writer,
    TimeProvider clock) : TokenUpdateService.TokenUpdateServiceBase
{
    /// <summary>Most tokens in one push.</summary>
    public const int MaxTokens = 1000;

    public override Task<PushTokenUpdatesResponse> PushTokenUpdates(PushTokenUpdatesRequest request, ServerCallContext context)
    {
        var csp = context.Caller();
        var requestId = RequestFields.RequestId(request.RequestId);
        var push = Validate(request, csp);
        return writer.ExecuteAsync(
            csp,
            context.Method,
            requestId,
            request,
            PushTokenUpdatesResponse.Parser,
            write => Apply(write, csp.PartyId, request, push),
            context.CancellationToken);
    }

    private static Push Validate(PushTokenUpdatesRequest request, PartyIdentity csp)
    {
        if (request.Mode is not (TokenListMode.Full or TokenListMode.Delta))
        {
            throw RoamingErrors.InvalidField("mode", ErrorReason.MissingField, "is required: TOKEN_LIST_MODE_FULL or TOKEN_LIST_MODE_DELTA");
        }

        if (request.ListVersion == 0 || request.ListVersion > long.MaxValue)
        {
            throw RoamingErrors.InvalidField("list_version", ErrorReason.InvalidField, "must be positive (and fit a signed 64-bit integer)");
        }

        if (request.Mode == TokenListMode.Delta)
        {
            if (request.BaseVersion >= request.ListVersion)
            {
                throw RoamingErrors.InvalidField("list_version", ErrorReason.InvalidField, $"a delta goes to a version above its base_version {request.BaseVersion}");
            }

            if (request.ChunkIndex != 0 || !request.LastChunk)
            {
                throw RoamingErrors.InvalidField("chunk_index", ErrorReason.InvalidField, "a delta is one push: chunk_index 0 and last_chunk true");
            }
        }

        if (request.Tokens.Count > MaxTokens)
        {
            throw RoamingErrors.Create(
                ErrorKind.InvalidArgument,
                ErrorReason.BatchTooLarge,
                $"tokens: at most {MaxTokens} tokens per push (was {request.Tokens.Count}); send a FULL list in chunks.",
                [new("field", "tokens"), new("max_entries", MaxTokens.ToString(CultureInfo.InvariantCulture))]);
        }

        var salt = Salt(request.Hashing);
        var tokens = new List<Token>(request.Tokens.Count);
        for (var i = 0; i < request.Tokens.Count; i++)
        {
            var token = TokenValidator.Pushed(request.Tokens[i], $"tokens[{i}]", salt.Length > 0, csp);
            if (request.Mode == TokenListMode.Full && token.Removed)
            {
                throw RoamingErrors.InvalidField($"tokens[{i}].removed", ErrorReason.InvalidField, "a FULL list holds no tombstones");
            }

            tokens.Add(token);
        }

        return new Push(salt, tokens);
    }

    private static byte[] Salt(TokenUidHashing? hashing)
    {
        if (hashing is null)
        {
            return [];
        }

        if (hashing.Algorithm != TokenHashAlgorithm.Sha256)
        {
            throw RoamingErrors.InvalidField("hashing.algorithm", ErrorReason.InvalidField, "must be TOKEN_HASH_ALGORITHM_SHA256");
        }

        if (hashing.Salt.Length is < TokenUidHash.MinSaltLength or > TokenUidHash.MaxSaltLength)
        {
            throw RoamingErrors.InvalidField("hashing.salt", ErrorReason.InvalidField, $"must be {TokenUidHash.MinSaltLength} to {TokenUidHash.MaxSaltLength} bytes");
        }

        return hashing.Salt.ToByteArray();
    }

    private PushTokenUpdatesResponse Apply(WriteContext write, string csp, PushTokenUpdatesRequest request, Push push)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var list = lists.Find(write, csp) ?? new PartnerTokenListRow(csp, 0, [], null, [], 0, now);
        var version = (long)request.ListVersion;
        if (version <= list.Version)
        {
            // Applied before (or older than what is held: superseded); nothing changes.
            return Answer(write, list, TokenListPushOutcome.Duplicate);
        }

        return request.Mode == TokenListMode.Full
            ? ApplyFull(write, list, version, (int)request.ChunkIndex, request.LastChunk, push, now)
            : ApplyDelta(write, list, version, (long)request.BaseVersion, push, now);
    }

    private PushTokenUpdatesResponse ApplyFull(WriteContext write, PartnerTokenListRow list, long version, int chunk, bool last, Push push, long now)
    {
        if (list.PendingVersion == version)
        {
            if (chunk < list.PendingNextChunk)
            {
                return Answer(write, list, TokenListPushOutcome.Duplicate);
            }

            if (chunk > list.PendingNextChunk)
            {
                throw Mismatch(list, $"chunk {chunk} of list version {version} arrived before chunk {list.PendingNextChunk}; send the list again from chunk 0 or from chunk {list.PendingNextChunk}");
            }

            if (!push.Salt.AsSpan().SequenceEqual(list.PendingSalt))
            {
                throw RoamingErrors.InvalidField("hashing", ErrorReason.InvalidField, "must be the same on every chunk of a FULL list");
            }
        }
        else
        {
            if (list.PendingVersion > version)
            {
                // An older FULL list than the one being received: superseded.
                return Answer(write, list, TokenListPushOutcome.Duplicate);
            }

            if (chunk != 0)
            {
                throw Mismatch(list, $"list version {version} starts with chunk 0 (chunk {chunk} arrived first)");
            }

            lists.DiscardPending(write, list.Csp);
            list = list with { PendingVersion = version, PendingSalt = push.Salt, PendingNextChunk = 0 };
        }

        lists.AddPending(write, [.. push.Tokens.Select(token => Row(list.Csp, token))]);
        list = list with { PendingNextChunk = chunk + 1, UpdateTime = now };
        if (!last)
        {
            lists.Save(write, list);
            return Answer(write, list, TokenListPushOutcome.ChunkStored);
        }

        lists.PromotePending(write, list.Csp);
        list = list with { Version = version, Salt = list.PendingSalt, PendingVersion = null, PendingSalt = [], PendingNextChunk = 0 };
        lists.Save(write, list);
        return Answer(write, list, TokenListPushOutcome.Applied);
    }

    private PushTokenUpdatesResponse ApplyDelta(WriteContext write, PartnerTokenListRow list, long version, long baseVersion, Push push, long now)
    {
        if (baseVersion != list.Version)
        {
            throw Mismatch(list, $"this delta applies on list version {baseVersion}, but {(list.Version == 0 ? "no list is held" : $"version {list.Version} is held")}; send a FULL list");
        }

        if (!push.Salt.AsSpan().SequenceEqual(list.Salt))
        {
            throw Mismatch(list, "the delta's hashing differs from the held list's; a new salt (or hashing on or off) needs a FULL list");
        }

        foreach (var token in push.Tokens)
        {
            var row = Row(list.Csp, token);
            if (token.Removed)
            {
                lists.Delete(write, row.Csp, row.Type, row.Uid);
            }
            else
            {
                lists.Put(write, row);
            }
        }

        list = list with { Version = version, UpdateTime = now };
        lists.Save(write, list);
        return Answer(write, list, TokenListPushOutcome.Applied);
    }

    private PushTokenUpdatesResponse Answer(WriteContext write, PartnerTokenListRow list, TokenListPushOutcome outcome) => new()
    {
        Outcome = outcome,
        CurrentVersion = (ulong)list.Version,
        TokenCount = (uint)lists.Count(write, list.Csp),
    };

    private static RoamingException Mismatch(PartnerTokenListRow list, string detail) =>
        RoamingErrors.Create(
            ErrorKind.WrongState,
            ErrorReason.ListVersionMismatch,
            detail,
            [new("current_version", list.Version == 0 ? string.Empty : list.Version.ToString(CultureInfo.InvariantCulture))]);

    private static PartnerTokenRow Row(string csp, Token token) =>
        new(csp, (long)token.Type, token.UidHash.Length > 0 ? token.UidHash : token.Uid, token.ToByteArray());

    /// <summary>A validated push: the salt (empty = uids in clear) and the tokens in canonical form.</summary>
    private sealed record Push(byte[] Salt, IReadOnlyList<Token> Tokens);
}
