using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.Tokens;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage.Tokens;
using RoamingGrpc.Storage;

namespace RoamingGrpc.Endpoint.Features.Authorization;

/// <summary>
/// The CSO's authorization of a presented token (UC3-1, UC3-3 through UC4-1 and UC4-2). The home-CSP is the token's
/// provider_id if given, else the provider of an EMAID, else the CSP whose offline list holds the uid (in clear or
/// hashed). Without a registered home-CSP the token is NOT_ALLOWED. A list entry with whitelist ALWAYS is decided from
/// the list without a call; otherwise the CSP is asked (AuthorizationService.AuthorizeToken, request id passed on,
/// deadline <c>Roaming:Authorization:Timeout</c>) and its answer is final, UNKNOWN_TOKEN included. Only when the CSP
/// cannot be reached (UNAVAILABLE, DEADLINE_EXCEEDED, no URL, or a transport failure before any answer) is the
/// decision taken from its list: ALLOWED for a valid, unexpired token whitelisted ALWAYS, ALLOWED or ALLOWED_OFFLINE;
/// BLOCKED, EXPIRED; NOT_ALLOWED for NEVER or a token not in the list.
/// </summary>
internal sealed partial class TokenAuthorizer(
    PartnerDirectory directory,
    PartnerChannelFactory channels,
    IPartnerTokenLists lists,
    IOptions<AuthorizationOptions> authorizationOptions,
    TimeProvider clock,
    Observability.RoamingMetrics metrics,
    ILogger<TokenAuthorizer> logger)
{
    /// <summary>
    /// Decides whether <paramref name="token"/> may charge at <paramref name="evseId"/>. The uid is normalized here
    /// (RFID upper-case hex, EMAID canonical). A malformed token or request id is INVALID_ARGUMENT naming the field
    /// (<c>token.uid</c>, <c>token.type</c>, <c>token.provider_id</c>, <c>token.contract_id</c>, <c>request_id</c>).
    /// </summary>
    public async Task<AuthorizationDecision> AuthorizeAsync(
        TokenRef token,
        IdentificationMethod method,
        string evseId,
        string? connectorId,
        string? contractCertificatePem,
        string requestId,
        CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var decision = await DecideAsync(token, method, evseId, connectorId, contractCertificatePem, requestId, cancellationToken).ConfigureAwait(false);
        metrics.RecordAuthorization(Mapping.ProtoEnumNames.Of(decision.Method), Mapping.ProtoEnumNames.Of(decision.Status), System.Diagnostics.Stopwatch.GetElapsedTime(started));
        return decision;
    }

    private async Task<AuthorizationDecision> DecideAsync(
        TokenRef token,
        IdentificationMethod method,
        string evseId,
        string? connectorId,
        string? contractCertificatePem,
        string requestId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(evseId);
        RequestFields.RequestId(requestId);
        var type = TokenValidator.Type(token.Type, "token.type");
        var uid = TokenValidator.Uid(type, token.Uid, "token.uid");
        var contractId = token.ContractId.Length > 0 ? TokenValidator.ContractIdOf(token.ContractId, "token.contract_id").ToString() : string.Empty;
        var provider = TokenValidator.ProviderIdOf(token.ProviderId, "token.provider_id")
            ?? (type == TokenType.Emaid ? ContractId.Parse(uid).Provider.ToString() : null);
        var (listed, entry) = await FindInListsAsync(provider, type, uid, cancellationToken).ConfigureAwait(false);
        provider ??= listed;
        var tail = TokenValidator.Tail(uid);
        var csp = provider is null ? null : PartyIdentity.Create(PartyRole.Csp, provider);
        if (csp is null || !directory.IsRegistered(csp))
        {
            Log.NoHomeCsp(logger, type, tail, evseId, provider ?? "-");
            return new AuthorizationDecision(AuthorizationStatus.NotAllowed, AuthorizationMethod.OfflineList, string.Empty, string.Empty, null, null, []);
        }

        if (entry?.Whitelist == WhitelistType.Always)
        {
            return Offline(csp, entry, type, tail, evseId, "whitelist ALWAYS");
        }

        if (directory.Find(csp)?.EndpointUrl is not { } endpointUrl || !EndpointSettings.TryParseHttpsUrl(endpointUrl, out var url))
        {
            return Offline(csp, entry, type, tail, evseId, "the CSP's URL is unknown");
        }

        var request = new AuthorizeTokenRequest
        {
            RequestId = requestId,
            Token = new TokenRef { Uid = uid, Type = type, ContractId = contractId, ProviderId = csp.PartyId },
            IdentificationMethod = method,
            EvseId = evseId,
            ConnectorId = connectorId ?? string.Empty,
            ContractCertificatePem = contractCertificatePem ?? string.Empty,
        };
        try
        {
            var client = new AuthorizationService.AuthorizationServiceClient(channels.Get(url, csp));
            var deadline = CallDeadline.After(authorizationOptions.Value.Timeout);
            var answer = await client.AuthorizeTokenAsync(request, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
            Log.Online(logger, type, tail, evseId, answer.Status, csp.PartyId);
            return new AuthorizationDecision(answer.Status, AuthorizationMethod.Online, csp.PartyId, answer.AuthorizationReference, answer.Token, answer.Limits, [.. answer.Info]);
        }
        catch (RpcException ex) when (IsUnreachable(ex) && !cancellationToken.IsCancellationRequested)
        {
            Log.Unreachable(logger, csp.PartyId, ex.StatusCode, ex.Status.Detail);
            return Offline(csp, entry, type, tail, evseId, "the CSP did not answer");
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Every answer of the CSP is final: a token it does not know (UNKNOWN_TOKEN) or a refused request.
            var reason = ex.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason ?? string.Empty;
            if (reason != RoamingErrors.ReasonName(ErrorReason.UnknownToken))
            {
                Log.Refused(logger, csp.PartyId, ex.StatusCode, reason, ex.Status.Detail);
            }

            Log.Online(logger, type, tail, evseId, AuthorizationStatus.NotAllowed, csp.PartyId);
            return new AuthorizationDecision(AuthorizationStatus.NotAllowed, AuthorizationMethod.Online, csp.PartyId, string.Empty, null, null, []);
        }
    }

    // UNAVAILABLE and DEADLINE_EXCEEDED are the contract's fallback codes; an INTERNAL status of the client's own
    // making (it carries the local exception, e.g. a TLS or connection failure) means the CSP never answered either.
    private static bool IsUnreachable(RpcException error) =>
        error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        || (error.StatusCode == StatusCode.Internal && error.Status.DebugException is not null);

    private AuthorizationDecision Offline(PartyIdentity csp, Token? entry, TokenType type, string tail, string evseId, string why)
    {
        var status = OfflineStatus(entry, clock.GetUtcNow());
        Log.Offline(logger, type, tail, evseId, status, csp.PartyId, why);
        return new AuthorizationDecision(status, AuthorizationMethod.OfflineList, csp.PartyId, string.Empty, entry, null, []);
    }

    private static AuthorizationStatus OfflineStatus(Token? entry, DateTimeOffset now)
    {
        if (entry is null)
        {
            return AuthorizationStatus.NotAllowed;
        }

        if (!entry.Valid)
        {
            return AuthorizationStatus.Blocked;
        }

        if (entry.ExpireTime is not null && entry.ExpireTime.ToDateTimeOffset() <= now)
        {
            return AuthorizationStatus.Expired;
        }

        return entry.Whitelist is WhitelistType.Always or WhitelistType.Allowed or WhitelistType.AllowedOffline
            ? AuthorizationStatus.Allowed
            : AuthorizationStatus.NotAllowed;
    }

    /// <summary>
    /// The token's entry in the list of <paramref name="provider"/>, or (provider unknown) in the first list that holds
    /// it, with that list's CSP; the entry carries the presented uid even when the list is hashed.
    /// </summary>
    private async Task<(string? Provider, Token? Entry)> FindInListsAsync(string? provider, TokenType type, string uid, CancellationToken cancellationToken)
    {
        foreach (var list in await lists.ListsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (list.Version == 0 || (provider is not null && list.Csp != provider))
            {
                continue;
            }

            var key = list.Salt.Length > 0 ? TokenUidHash.Compute(list.Salt, uid) : uid;
            if (await lists.FindTokenAsync(list.Csp, (long)type, key, cancellationToken).ConfigureAwait(false) is { } row)
            {
                var token = Token.Parser.ParseFrom(row.Payload);
                token.Uid = uid;
                token.UidHash = string.Empty;
                return (list.Csp, token);
            }
        }

        return (null, null);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.Authorization.Online, Level = LogLevel.Information, Message = "{TokenType} token {UidTail} at {EvseId}: {Status}, answered online by {Provider}")]
        public static partial void Online(ILogger logger, TokenType tokenType, string uidTail, string evseId, AuthorizationStatus status, string provider);

        [LoggerMessage(EventId = LogEvents.Authorization.Offline, Level = LogLevel.Information, Message = "{TokenType} token {UidTail} at {EvseId}: {Status}, from the offline list of {Provider} ({Why})")]
        public static partial void Offline(ILogger logger, TokenType tokenType, string uidTail, string evseId, AuthorizationStatus status, string provider, string why);

        [LoggerMessage(EventId = LogEvents.Authorization.NoHomeCsp, Level = LogLevel.Information, Message = "{TokenType} token {UidTail} at {EvseId}: NotAllowed, no registered home-CSP (provider {Provider})")]
        public static partial void NoHomeCsp(ILogger logger, TokenType tokenType, string uidTail, string evseId, string provider);

        [LoggerMessage(EventId = LogEvents.Authorization.Unreachable, Level = LogLevel.Warning, Message = "Home-CSP {Provider} did not answer an authorization request ({Code}: {Detail}); deciding from its offline list")]
        public static partial void Unreachable(ILogger logger, string provider, StatusCode code, string detail);

        [LoggerMessage(EventId = LogEvents.Authorization.Refused, Level = LogLevel.Warning, Message = "Home-CSP {Provider} refused an authorization request ({Code} {Reason}: {Detail}); the token is NOT_ALLOWED")]
        public static partial void Refused(ILogger logger, string provider, StatusCode code, string reason, string detail);
    }
}
