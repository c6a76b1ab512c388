using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.Tokens;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Storage;
using RoamingGrpc.Storage.Tokens;
using Partner = RoamingGrpc.Domain.Parties.Partner;

namespace RoamingGrpc.Endpoint.Features.Tokens;

/// <summary>
/// The CSP side of UC4-2 durable distribution: brings every registered CSO partner's copy of the token list up to the
/// current list version (the token change sequence) with TokenUpdateService.PushTokenUpdates. What each partner
/// holds is recorded in the database once it confirmed it, so a restart resumes where it stopped and nothing is
/// lost while a partner is down. A partner that holds a version gets DELTAs from it (at most
/// <see cref="ChunkSize"/> changes each); one whose copy is unknown, or that answers LIST_VERSION_MISMATCH, gets a
/// FULL list in chunks of <see cref="ChunkSize"/>. A partner's copy is checked after this endpoint starts and after
/// the partner (re)registers, since it may have lost it: by the next delta, or, with no change to send, by a FULL
/// list that a partner already holding that version answers DUPLICATE at the first chunk. Woken by token changes
/// (the commits of token changes) and partner registrations; failures back off per partner, and a partner the
/// <see cref="ReachabilityTracker"/> holds unreachable is not called until a handshake with it succeeds.
/// </summary>
internal sealed partial class TokenListDistributor(
    ITokenRepository tokens,
    ITokenDistributionStore distribution,
    CommitNotifier notifier,
    PartnerDirectory directory,
    PartnerChannelFactory channels,
    ReachabilityTracker reachability,
    IOptions<HandshakeOptions> handshakeOptions,
    IOptions<DeliveryOptions> deliveryOptions,
    IOptions<AuthorizationOptions> authorizationOptions,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<TokenListDistributor> logger) : DeliveryLoop(notifier, directory, clock, lifetime)
{
    /// <summary>Most tokens in one push (the contract's limit).</summary>
    public const int ChunkSize = 1000;

    private const string UseCase = "UC4-2";
    private readonly PartnerBackoff _backoff = new(handshakeOptions.Value, clock);

    // How often each partner (re)registered while this process runs, and at which of those registrations its copy
    // was last confirmed: a copy is checked again after every registration, even one during a push.
    private readonly ConcurrentDictionary<PartyIdentity, long> _registrations = new();
    private readonly ConcurrentDictionary<PartyIdentity, long> _verified = new();

    private TimeSpan PollInterval => deliveryOptions.Value.PollInterval;

    protected override StoreChanges WakesOn => StoreChanges.Tokens;

    protected override bool IsShutdown(Exception exception, CancellationToken stoppingToken) =>
        exception is RpcException && stoppingToken.IsCancellationRequested;

    protected override async Task<TimeSpan> RoundAsync(CancellationToken stoppingToken)
    {
        var soonest = PollInterval;
        foreach (var partner in Directory.All.Where(IsRecipient))
        {
            var wait = await DistributeAsync(partner, stoppingToken).ConfigureAwait(false);
            soonest = wait < soonest ? wait : soonest;
        }

        return soonest;
    }

    protected override void OnPartnerUpdated(Partner partner)
    {
        // A partner that (re)registered may have lost or replaced its list: check its copy, now.
        _registrations.AddOrUpdate(partner.Identity, 1, (_, count) => count + 1);
        _backoff.Reset(partner.Identity);
    }

    private bool IsRecipient(Partner partner) =>
        partner.Identity.Role == PartyRole.Cso
        && Directory.IsRegistered(partner.Identity)
        && partner.UseCases.Any(useCase => useCase.Code == UseCase);

    /// <summary>Brings one partner up to date; returns how long until it should be looked at again.</summary>
    private async Task<TimeSpan> DistributeAsync(Partner partner, CancellationToken stoppingToken)
    {
        var cso = partner.Identity;
        var now = Clock.GetUtcNow();
        if (_backoff.Remaining(cso) is var remaining && remaining > TimeSpan.Zero)
        {
            return remaining;
        }

        if (!EndpointSettings.TryParseHttpsUrl(partner.EndpointUrl, out var url))
        {
            return PollInterval; // the URL comes with the partner's handshake
        }

        if (reachability.IsUnreachable(cso))
        {
            return PollInterval; // given up on until a handshake succeeds (which wakes this loop)
        }

        var registration = _registrations.GetValueOrDefault(cso);
        try
        {
            var version = await tokens.VersionAsync(stoppingToken).ConfigureAwait(false);
            if (version == 0)
            {
                return PollInterval; // no token issued yet: there is no list to distribute
            }

            var hashed = authorizationOptions.Value.HashTokenLists;
            var held = await distribution.EnsureAsync(cso.PartyId, TokenUidHash.NewSalt(), now, stoppingToken).ConfigureAwait(false);

            var push = new Pusher(
                tokens,
                distribution,
                new TokenUpdateService.TokenUpdateServiceClient(channels.Get(url, cso)),
                cso,
                hashed ? held.Salt : null,
                handshakeOptions.Value.CallTimeout,
                Clock,
                logger,
                stoppingToken);
            if (held.HeldHashed != hashed || held.HeldVersion is not { } from || from > version)
            {
                await push.FullAsync().ConfigureAwait(false);
            }
            else if (from < version)
            {
                // A delta also checks the partner's copy: if it does not hold `from`, it says so and gets a FULL list.
                if (!await push.DeltasAsync(from).ConfigureAwait(false))
                {
                    await push.FullAsync().ConfigureAwait(false);
                }
            }
            else if (!_verified.TryGetValue(cso, out var verified) || verified != registration)
            {
                // Nothing to send, but the partner may have lost its copy: a FULL list of the version it should hold
                // is answered DUPLICATE at its first chunk. If the list moved on meanwhile, a delta checks instead.
                if (!await push.FullAsync(onlyAtVersion: from).ConfigureAwait(false) && !await push.DeltasAsync(from).ConfigureAwait(false))
                {
                    await push.FullAsync().ConfigureAwait(false);
                }
            }
            else
            {
                return PollInterval;
            }

            _verified[cso] = registration;
            _backoff.Reset(cso);
            reachability.Succeeded(cso);
            return PollInterval;
        }
        catch (RpcException ex) when (!stoppingToken.IsCancellationRequested)
        {
            return Failed(cso, ex.StatusCode, ex.Status.Detail, partnersFault: true);
        }
        catch (UnexpectedAnswerException ex)
        {
            return Failed(cso, StatusCode.DataLoss, ex.Message, partnersFault: true);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Storage.StorageUnavailableException && !stoppingToken.IsCancellationRequested)
        {
            // Our side failed: nothing was recorded as held that the partner did not confirm; try again later.
            Log.DistributionFailed(logger, cso, ex);
            return Failed(cso, StatusCode.Internal, ex.Message, partnersFault: false);
        }
    }

    private TimeSpan Failed(PartyIdentity cso, StatusCode code, string detail, bool partnersFault)
    {
        var (failures, delay) = _backoff.Failed(cso);
        Log.PushFailed(logger, cso, code, failures, delay, detail);
        if (partnersFault)
        {
            reachability.Failed(cso, ErrorMapping.StatusName(code), detail, delay);
        }

        return delay;
    }

    /// <summary>The pushes to one partner in one pass.</summary>
    private sealed class Pusher(
        ITokenRepository tokens,
        ITokenDistributionStore distribution,
        TokenUpdateService.TokenUpdateServiceClient client,
        PartyIdentity cso,
        byte[]? salt,
        TimeSpan callTimeout,
        TimeProvider clock,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        /// <summary>
        /// Pushes the changes after <paramref name="held"/> as DELTAs until the partner is current; false when the
        /// partner does not hold <paramref name="held"/> (it needs a FULL list).
        /// </summary>
        public async Task<bool> DeltasAsync(long held)
        {
            while (true)
            {
                var changes = await tokens.ChangesSinceAsync(held, ChunkSize, cancellationToken).ConfigureAwait(false);
                if (changes.Tokens.Count == 0)
                {
                    return true;
                }

                // Up to the last change read: every change in (held, target] is in this push.
                var target = changes.Tokens[^1].ChangeSeq;
                var request = Request(TokenListMode.Delta, target, changes.Tokens, 0, last: true);
                request.BaseVersion = (ulong)held;
                PushTokenUpdatesResponse response;
                try
                {
                    response = await SendAsync(request).ConfigureAwait(false);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition && ReasonOf(ex) == RoamingErrors.ReasonName(ErrorReason.ListVersionMismatch))
                {
                    Log.NeedsFullList(logger, cso, held, ex.Status.Detail);
                    return false;
                }

                if (response.Outcome is not (TokenListPushOutcome.Applied or TokenListPushOutcome.Duplicate) || response.CurrentVersion != (ulong)target)
                {
                    throw new UnexpectedAnswerException($"the delta {held} -> {target} was answered {ProtoEnumNames.Of(response.Outcome)} with version {response.CurrentVersion}");
                }

                await distribution.RecordHeldAsync(cso.PartyId, target, salt is not null, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                Log.PushedDelta(logger, cso, held, target, changes.Tokens.Count);
                held = target;
                if (changes.Tokens.Count < ChunkSize)
                {
                    return true;
                }
            }
        }

        /// <summary>
        /// Pushes the whole list in chunks until the partner holds it. With <paramref name="onlyAtVersion"/>, only if
        /// the list is still at that version (false otherwise, nothing sent).
        /// </summary>
        public async Task<bool> FullAsync(long? onlyAtVersion = null)
        {
            var snapshot = await tokens.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            if (onlyAtVersion is { } expected && snapshot.Version != expected)
            {
                return false;
            }

            var chunks = snapshot.Tokens.Count == 0 ? [[]] : snapshot.Tokens.Chunk(ChunkSize).ToList();
            for (var i = 0; i < chunks.Count; i++)
            {
                var last = i == chunks.Count - 1;
                var response = await SendAsync(Request(TokenListMode.Full, snapshot.Version, chunks[i], i, last)).ConfigureAwait(false);
                if (response.Outcome == TokenListPushOutcome.Duplicate && response.CurrentVersion == (ulong)snapshot.Version)
                {
                    await distribution.RecordHeldAsync(cso.PartyId, snapshot.Version, salt is not null, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    Log.AlreadyHeld(logger, cso, snapshot.Version);
                    return true;
                }

                var expectedOutcome = last ? TokenListPushOutcome.Applied : TokenListPushOutcome.ChunkStored;
                if (response.Outcome != expectedOutcome && response.Outcome != TokenListPushOutcome.Duplicate)
                {
                    throw new UnexpectedAnswerException($"chunk {i} of the FULL list version {snapshot.Version} was answered {ProtoEnumNames.Of(response.Outcome)}");
                }

                if (last && response.CurrentVersion != (ulong)snapshot.Version)
                {
                    throw new UnexpectedAnswerException($"after the FULL list version {snapshot.Version} the partner holds version {response.CurrentVersion}");
                }
            }

            await distribution.RecordHeldAsync(cso.PartyId, snapshot.Version, salt is not null, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            Log.PushedFull(logger, cso, snapshot.Version, snapshot.Tokens.Count, chunks.Count);
            return true;
        }

        private PushTokenUpdatesRequest Request(TokenListMode mode, long version, IEnumerable<TokenRow> rows, int chunk, bool last)
        {
            var request = new PushTokenUpdatesRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                Mode = mode,
                ListVersion = (ulong)version,
                ChunkIndex = (uint)chunk,
                LastChunk = last,
            };
            if (salt is not null)
            {
                request.Hashing = new TokenUidHashing { Algorithm = TokenHashAlgorithm.Sha256, Salt = ByteString.CopyFrom(salt) };
            }

            foreach (var row in rows)
            {
                var token = Token.Parser.ParseFrom(row.Payload);
                if (salt is not null)
                {
                    token.UidHash = TokenUidHash.Compute(salt, token.Uid);
                    token.Uid = string.Empty;
                }

                request.Tokens.Add(token);
            }

            return request;
        }

        private async Task<PushTokenUpdatesResponse> SendAsync(PushTokenUpdatesRequest request)
        {
            var deadline = CallDeadline.After(callTimeout);
            return await client.PushTokenUpdatesAsync(request, deadline: deadline, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        private static string? ReasonOf(RpcException error) => error.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason;
    }

    /// <summary>A partner answered a push in a way the contract does not allow; its recorded version stays as it was.</summary>
    private sealed class UnexpectedAnswerException(string message) : Exception(message);

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.TokenLists.PushedFull, Level = LogLevel.Information, Message = "Pushed the FULL token list version {Version} ({Count} token(s), {Chunks} chunk(s)) to {Partner}")]
        public static partial void PushedFull(ILogger logger, PartyIdentity partner, long version, int count, int chunks);

        [LoggerMessage(EventId = LogEvents.TokenLists.PushedDelta, Level = LogLevel.Information, Message = "Pushed the token list DELTA {BaseVersion} -> {Version} ({Count} change(s)) to {Partner}")]
        public static partial void PushedDelta(ILogger logger, PartyIdentity partner, long baseVersion, long version, int count);

        [LoggerMessage(EventId = LogEvents.TokenLists.NeedsFullList, Level = LogLevel.Information, Message = "{Partner} does not hold token list version {BaseVersion} ({Detail}); sending the FULL list")]
        public static partial void NeedsFullList(ILogger logger, PartyIdentity partner, long baseVersion, string detail);

        [LoggerMessage(EventId = LogEvents.TokenLists.AlreadyHeld, Level = LogLevel.Information, Message = "{Partner} holds token list version {Version} already")]
        public static partial void AlreadyHeld(ILogger logger, PartyIdentity partner, long version);

        [LoggerMessage(EventId = LogEvents.TokenLists.PushFailed, Level = LogLevel.Information, Message = "Token list push to {Partner} failed ({Code}, failure {Failures}); retrying in {Delay}: {Detail}")]
        public static partial void PushFailed(ILogger logger, PartyIdentity partner, StatusCode code, int failures, TimeSpan delay, string detail);

        [LoggerMessage(EventId = LogEvents.TokenLists.DistributionFailed, Level = LogLevel.Error, Message = "Distributing the token list to {Partner} failed on this side; it is retried")]
        public static partial void DistributionFailed(ILogger logger, PartyIdentity partner, Exception exception);
    }
}
