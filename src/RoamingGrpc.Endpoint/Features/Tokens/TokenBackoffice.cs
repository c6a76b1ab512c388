using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage.Tokens;
using WriteContext = RoamingGrpc.Storage.WriteContext;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Tokens;

/// <summary>
/// The CSP's token administration in its back office (<c>CspBackofficeService.IssueToken</c>, <c>UpdateToken</c>,
/// <c>BlockToken</c>, <c>ListIssuedTokens</c>), the source of UC4-1 decisions and UC4-2 lists. Every change takes the
/// next token list version in its own transaction; its commit wakes the <see cref="TokenListDistributor"/>, which brings
/// every CSO partner's list up to that version (durable: what a partner holds is recorded, nothing is lost while it is
/// down). Every change runs once per request id.
/// </summary>
internal sealed partial class TokenBackoffice(
    ITokenRepository tokens,
    IdempotentWriter writer,
    EndpointSettings endpoint,
    TimeProvider clock,
    ILogger<TokenBackoffice> logger)
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;
    private const int MaxReasonLength = 255;

    public async Task<IssueTokenResponse> IssueTokenAsync(IssueTokenRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var token = TokenValidator.Issued(request.Token, endpoint.Identity);
        var response = await writer.OnceAsync(context, requestId, request, IssueTokenResponse.Parser, write =>
            {
                if (tokens.Find(write, (long)token.Type, token.Uid) is { Removed: false })
                {
                    throw RoamingErrors.Create(
                        ErrorKind.AlreadyExists,
                        ErrorReason.InvalidField,
                        $"token.uid: a {ProtoEnumNames.Of(token.Type)} token with this uid exists already; change it with UpdateToken.",
                        [new("field", "token.uid"), new("token_type", ProtoEnumNames.Of(token.Type))]);
                }

                return new IssueTokenResponse { Token = Save(write, token) };
            }).ConfigureAwait(false);
        return response;
    }

    public async Task<UpdateTokenResponse> UpdateTokenAsync(UpdateTokenRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var token = TokenValidator.Issued(request.Token, endpoint.Identity);
        var response = await writer.OnceAsync(context, requestId, request, UpdateTokenResponse.Parser, write =>
            {
                var existing = Existing(write, token.Type, token.Uid);
                var stored = Token.Parser.ParseFrom(existing.Payload);
                return new UpdateTokenResponse { Token = WithoutStamp(stored).Equals(token) ? stored : Save(write, token) };
            }).ConfigureAwait(false);
        return response;
    }

    public async Task<BlockTokenResponse> BlockTokenAsync(BlockTokenRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var type = TokenValidator.Type(request.Type, "type");
        var uid = TokenValidator.Uid(type, request.Uid, "uid");
        if (request.Reason.Length > MaxReasonLength)
        {
            throw RoamingErrors.InvalidField("reason", ErrorReason.InvalidField, $"must be at most {MaxReasonLength} characters (was {request.Reason.Length})");
        }

        var blockedNow = false;
        var response = await writer.OnceAsync(context, requestId, request, BlockTokenResponse.Parser, write =>
            {
                var stored = Token.Parser.ParseFrom(Existing(write, type, uid).Payload);
                if (!stored.Valid)
                {
                    return new BlockTokenResponse { Token = stored };
                }

                var blocked = WithoutStamp(stored);
                blocked.Valid = false;
                blockedNow = true;
                return new BlockTokenResponse { Token = Save(write, blocked) };
            }).ConfigureAwait(false);
        if (blockedNow)
        {
            var tail = TokenValidator.Tail(uid);
            Log.Blocked(logger, type, tail, request.Reason);
        }

        return response;
    }

    public async Task<ListIssuedTokensResponse> ListIssuedTokensAsync(ListIssuedTokensRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        long? updatedSince = RequestFields.UnixMilliseconds(request.UpdatedSince, "updated_since");
        var cursor = ListingCursor.Start(request.PageToken, ListingCursor.FiltersOf(updatedSince), clock.GetUtcNow());
        var rows = await tokens.ListChangesAsync(
            new TokenChangeQuery(cursor.AfterChangeSeq ?? 0, updatedSince, IncludeRemoved: updatedSince is not null, pageSize + 1),
            context.CancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).ToList();
        var response = new ListIssuedTokensResponse
        {
            Tokens = { page.Select(row => Token.Parser.ParseFrom(row.Payload)) },
            SyncTime = Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(cursor.SyncTime)),
        };
        if (rows.Count > pageSize)
        {
            // Tokens are listed in the order of their changes (update_time order), so the cursor is the change sequence.
            response.NextPageToken = cursor.After(delta: true, string.Empty, page[^1].ChangeSeq).Encode();
        }

        return response;
    }

    private TokenRow Existing(WriteContext write, TokenType type, string uid) =>
        tokens.Find(write, (long)type, uid) is { Removed: false } existing
            ? existing
            : throw RoamingErrors.Create(
                ErrorKind.NotFound,
                ErrorReason.UnknownToken,
                $"No {ProtoEnumNames.Of(type)} token with this uid was issued; issue it with IssueToken.",
                [new("token_type", ProtoEnumNames.Of(type))]);

    // The token's content, without what the endpoint stamps on each write.
    private static Token WithoutStamp(Token token)
    {
        var content = token.Clone();
        content.UpdateTime = null;
        return content;
    }

    private Token Save(WriteContext write, Token token)
    {
        var stored = token.Clone();
        stored.UpdateTime = Timestamp.FromDateTimeOffset(clock.GetUtcNow());
        tokens.Save(write, new TokenRow(
            (long)stored.Type,
            stored.Uid,
            0,
            stored.UpdateTime.ToDateTimeOffset().ToUnixTimeMilliseconds(),
            stored.Valid ? 1 : 0,
            (long)stored.Whitelist,
            stored.Removed ? 1 : 0,
            stored.ToByteArray()));
        return stored;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Tokens.Blocked, Level = LogLevel.Information, Message = "Blocked {TokenType} token {UidTail}: {Reason}")]
        public static partial void Blocked(ILogger logger, TokenType tokenType, string uidTail, string reason);
    }
}
