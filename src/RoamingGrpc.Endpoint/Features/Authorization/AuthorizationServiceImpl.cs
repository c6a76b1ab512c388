using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.Tokens;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Tokens;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Authorization;

/// <summary>
/// UC4-1 and the pull side of UC4-2, hosted by the home-CSP for registered CSOs. AuthorizeToken decides from the
/// CSP's own token record (blocked, expired, contract or contract certificate not matching, else allowed with a
/// fresh authorization reference), once per request id: a retry within IdempotentDecisions.Window gets the same decision and reference. ListTokens
/// serves the whole list by (type, uid) or the changes since a list version in change order, tombstones included,
/// with uids in clear or hashed under the caller's own salt.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
internal sealed partial class AuthorizationServiceImpl(
    ITokenRepository tokens,
    ITokenDistributionStore distribution,
    IdempotentDecisions decisions,
    EndpointSettings endpoint,
    TimeProvider clock,
    ILogger<AuthorizationServiceImpl> logger) : AuthorizationService.AuthorizationServiceBase
{
    /// <summary>How long an ALLOWED authorization stays usable without a session (the contract's default).</summary>
    public static readonly TimeSpan AuthorizationLifetime = TimeSpan.FromMinutes(15);

    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;
    private const int MaxLocalIdLength = 64;

    public override async Task<AuthorizeTokenResponse> AuthorizeToken(AuthorizeTokenRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var requestId = RequestFields.RequestId(request.RequestId);
        if (request.Token is null)
        {
            throw RoamingErrors.MissingField("token");
        }

        var type = TokenValidator.Type(request.Token.Type, "token.type");
        var uid = TokenValidator.Uid(type, request.Token.Uid, "token.uid");
        var provider = TokenValidator.ProviderIdOf(request.Token.ProviderId, "token.provider_id");
        var contractId = request.Token.ContractId.Length > 0 ? TokenValidator.ContractIdOf(request.Token.ContractId, "token.contract_id").ToString() : null;
        if (request.IdentificationMethod == IdentificationMethod.Unspecified || !System.Enum.IsDefined(request.IdentificationMethod))
        {
            throw RoamingErrors.InvalidField("identification_method", ErrorReason.MissingField, "is required; IDENTIFICATION_METHOD_UNSPECIFIED is not a value");
        }

        CheckLocation(request, cso);
        var certificateEmaid = CertificateEmaid(request, type);
        if (provider is not null && provider != endpoint.Identity.PartyId)
        {
            // Another provider's token: this CSP does not know it (and says nothing about it).
            throw UnknownToken(type);
        }

        // A read and a decision: answered from committed token state without waiting for the single writer; the
        // idempotency record (same request id, same answer and reference) is written behind.
        var response = await decisions.DecideAsync(
            cso,
            context.Method,
            requestId,
            request,
            AuthorizeTokenResponse.Parser,
            async ct =>
            {
                var row = await tokens.GetAsync((long)type, uid, ct).ConfigureAwait(false);
                if (row is null || row.Removed)
                {
                    throw UnknownToken(type);
                }

                var token = Token.Parser.ParseFrom(row.Payload);
                var now = clock.GetUtcNow();
                var decision = new AuthorizeTokenResponse { Token = token, Status = Decide(token, contractId, certificateEmaid, now) };
                if (decision.Status == AuthorizationStatus.Allowed)
                {
                    decision.AuthorizationReference = Guid.NewGuid().ToString();
                    decision.ExpireTime = Timestamp.FromDateTimeOffset(now + AuthorizationLifetime);
                }

                return decision;
            },
            context.CancellationToken).ConfigureAwait(false);
        var tail = TokenValidator.Tail(uid);
        Log.Decided(logger, type, tail, cso, response.Status);
        return response;
    }

    public override async Task<ListTokensResponse> ListTokens(ListTokensRequest request, ServerCallContext context)
    {
        var cso = context.Caller();
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        ulong? since = request.HasSinceVersion ? request.SinceVersion : null;
        var cursor = await StartAsync(request.PageToken, since, request.HashUids, context.CancellationToken).ConfigureAwait(false);
        byte[]? salt = null;
        if (request.HashUids)
        {
            salt = (await distribution.EnsureAsync(cso.PartyId, TokenUidHash.NewSalt(), clock.GetUtcNow(), context.CancellationToken).ConfigureAwait(false)).Salt;
        }

        var rows = cursor.Mode == TokenListMode.Full
            ? await tokens.ListCurrentAsync(cursor.AfterType, cursor.AfterUid, pageSize + 1, context.CancellationToken).ConfigureAwait(false)
            : await tokens.ListChangesAsync(new TokenChangeQuery(cursor.AfterChangeSeq, null, IncludeRemoved: true, pageSize + 1), context.CancellationToken).ConfigureAwait(false);
        var page = rows.Take(pageSize).ToList();
        var response = new ListTokensResponse { ListVersion = (ulong)cursor.ListVersion, Mode = cursor.Mode };
        foreach (var row in page)
        {
            var token = Token.Parser.ParseFrom(row.Payload);
            if (salt is not null)
            {
                token.UidHash = TokenUidHash.Compute(salt, token.Uid);
                token.Uid = string.Empty;
            }

            response.Tokens.Add(token);
        }

        if (salt is not null)
        {
            response.Hashing = new TokenUidHashing { Algorithm = TokenHashAlgorithm.Sha256, Salt = Google.Protobuf.ByteString.CopyFrom(salt) };
        }

        if (rows.Count > pageSize)
        {
            var last = page[^1];
            response.NextPageToken = (cursor with { AfterType = last.Type, AfterUid = last.Uid, AfterChangeSeq = last.ChangeSeq }).Encode();
        }

        return response;
    }

    private static AuthorizationStatus Decide(Token token, string? contractId, string? certificateEmaid, DateTimeOffset now)
    {
        if (!token.Valid)
        {
            return AuthorizationStatus.Blocked;
        }

        if (token.ExpireTime is not null && token.ExpireTime.ToDateTimeOffset() <= now)
        {
            return AuthorizationStatus.Expired;
        }

        // The presented contract (UC3-3: from the vehicle) must be the one the token is billed under, and a contract
        // certificate must name the token's EMAID.
        if ((contractId is not null && contractId != token.ContractId) || (certificateEmaid is not null && certificateEmaid != token.Uid))
        {
            return AuthorizationStatus.NotAllowed;
        }

        return AuthorizationStatus.Allowed;
    }

    // The EMAID named by the request's contract certificate; "" when the certificate names none (never matches).
    private static string? CertificateEmaid(AuthorizeTokenRequest request, TokenType type)
    {
        if (request.ContractCertificatePem.Length == 0)
        {
            return null;
        }

        if (type != TokenType.Emaid)
        {
            throw RoamingErrors.InvalidField("contract_certificate_pem", ErrorReason.InvalidField, "is only sent with an EMAID token (Plug and Charge)");
        }

        return ContractCertificate.Emaid(request.ContractCertificatePem, "contract_certificate_pem") ?? string.Empty;
    }

    private static void CheckLocation(AuthorizeTokenRequest request, PartyIdentity cso)
    {
        if (request.EvseId.Length > 0)
        {
            EvseId evse;
            try
            {
                evse = EvseId.Parse(request.EvseId);
            }
            catch (InvalidIdentifierException ex)
            {
                throw RoamingErrors.InvalidField("evse_id", ErrorReason.InvalidIdentifier, ex.Message);
            }

            if (evse.Operator.ToString() != cso.PartyId)
            {
                throw RoamingErrors.Create(
                    ErrorKind.Forbidden,
                    ErrorReason.PartyMismatch,
                    $"evse_id {evse} is an EVSE of {evse.Operator}, not of the caller {cso.PartyId}.",
                    [new("field", "evse_id"), new("certificate_party_id", cso.PartyId)]);
            }
        }

        LocalId(request.ConnectorId, "connector_id");
        LocalId(request.SiteId, "site_id");
    }

    private static void LocalId(string value, string field)
    {
        if (value.Length > MaxLocalIdLength || !value.All(c => c is > ' ' and < '\u007f'))
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"must be at most {MaxLocalIdLength} printable ASCII characters without spaces");
        }
    }

    private static RoamingException UnknownToken(TokenType type) =>
        RoamingErrors.Create(
            ErrorKind.NotFound,
            ErrorReason.UnknownToken,
            $"This provider issued no such {ProtoEnumNames.Of(type)} token.",
            [new("token_type", ProtoEnumNames.Of(type))]);

    private async Task<TokenListCursor> StartAsync(string pageToken, ulong? since, bool hashed, CancellationToken cancellationToken)
    {
        var filters = ListingCursor.FiltersOf(since, hashed);
        if (TokenListCursor.Decode(pageToken, filters) is { } cursor)
        {
            return cursor;
        }

        var version = await tokens.VersionAsync(cancellationToken).ConfigureAwait(false);
        // A version this CSP never had (ahead of its list, e.g. after a restore) cannot be the base of a delta.
        return since is { } sinceVersion && sinceVersion <= (ulong)version
            ? new TokenListCursor(filters, TokenListMode.Delta, version, 0, string.Empty, (long)sinceVersion)
            : new TokenListCursor(filters, TokenListMode.Full, version, 0, string.Empty, 0);
    }

    /// <summary>Where a ListTokens listing stands; carried in the opaque page token.</summary>
    private sealed record TokenListCursor(string Filters, TokenListMode Mode, long ListVersion, long AfterType, string AfterUid, long AfterChangeSeq)
    {
        private const string Kind = "tokens";

        public string Encode() => Paging.EncodeCursor(string.Join(
            '|',
            Kind,
            Filters,
            ((int)Mode).ToString(CultureInfo.InvariantCulture),
            ListVersion.ToString(CultureInfo.InvariantCulture),
            AfterType.ToString(CultureInfo.InvariantCulture),
            AfterChangeSeq.ToString(CultureInfo.InvariantCulture),
            AfterUid));

        // Null for an empty token (first page).
        public static TokenListCursor? Decode(string token, string filters)
        {
            var text = Paging.DecodeCursor(token);
            if (text is null)
            {
                return null;
            }

            var parts = text.Split('|', 7);
            if (parts.Length == 7
                && parts[0] == Kind
                && parts[1] == filters
                && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var mode)
                && mode is (int)TokenListMode.Full or (int)TokenListMode.Delta
                && long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                && long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var afterType)
                && long.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var afterSeq))
            {
                return new TokenListCursor(filters, (TokenListMode)mode, version, afterType, parts[6], afterSeq);
            }

            throw RoamingErrors.InvalidField("page_token", ErrorReason.InvalidPageToken, "does not belong to a token listing with these since_version and hash_uids; start again with an empty page_token");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Tokens.Decided, Level = LogLevel.Debug, Message = "Authorization of {TokenType} token {UidTail} for {Cso}: {Status}")]
        public static partial void Decided(ILogger logger, TokenType tokenType, string uidTail, PartyIdentity cso, AuthorizationStatus status);
    }
}
