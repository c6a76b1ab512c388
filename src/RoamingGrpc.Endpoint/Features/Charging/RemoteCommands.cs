using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage.PartnerData;
using RoamingGrpc.Storage.Tokens;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The home-CSP side of UC3-2 / UC3-4 in its back office (<c>CspBackofficeService.RequestRemoteStart</c>,
/// <c>RequestRemoteStop</c>, <c>GetCommandResult</c>): a user app's remote start (for a valid token of this CSP) or stop
/// is relayed to the CSO that operates the EVSE (found from the EVSE id's operator part) with the app's request_id and
/// a payload that depends on the request alone, so that a retry, also after either endpoint restarted, gets the first
/// answer; the outcome is what the CSO later pushed (CsoUpdateService.PushCommandResults).
/// </summary>
internal sealed class RemoteCommands(
    ITokenRepository tokens,
    PartnerDirectory directory,
    PartnerChannelFactory channels,
    IReceivedRecords received,
    IdempotentWriter writer,
    EndpointSettings endpoint,
    IOptions<HandshakeOptions> handshakeOptions,
    TimeProvider clock)
{
    /// <summary>Checks the token, then sends StartSession to the EVSE's operator and relays its answer.</summary>
    public Task<RequestRemoteStartResponse> StartAsync(RequestRemoteStartRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var token = TokenRefValidator.Canonical(request.Token, "token", endpoint.Identity.PartyId);
        var evseId = EvseIdOf(request.EvseId);
        var cso = PartyIdentity.Create(PartyRole.Cso, evseId.Operator.ToString());
        return writer.RelayAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            RequestRemoteStartResponse.Parser,
            async cancellationToken =>
            {
                token.ContractId = (await IssuedForStartAsync(token, cancellationToken).ConfigureAwait(false)).ContractId;
                var authorizationReference = AuthorizationReferenceOf(requestId);
                var client = new ChargingService.ChargingServiceClient(Channel(cso));
                var answer = await CallAsync(cso, () => client.StartSessionAsync(
                    new StartSessionRequest
                    {
                        RequestId = requestId,
                        Token = token,
                        EvseId = evseId.ToString(),
                        ConnectorId = request.ConnectorId,
                        ReservationId = request.ReservationId,
                        AuthorizationReference = authorizationReference,
                        ChargePlan = request.ChargePlan,
                        IdentificationMethod = request.IdentificationMethod == IdentificationMethod.Unspecified ? IdentificationMethod.QrApp : request.IdentificationMethod,
                    },
                    deadline: Deadline(),
                    cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
                return new RequestRemoteStartResponse
                {
                    OperatorId = cso.PartyId,
                    CommandId = answer.CommandId,
                    Session = answer.Session,
                    ResultTimeout = answer.ResultTimeout,
                    AuthorizationReference = answer.Session?.AuthorizationReference is { Length: > 0 } stated ? stated : authorizationReference,
                };
            },
            context.CancellationToken);
    }

    /// <summary>Sends StopSession to the CSO running the session and relays its answer.</summary>
    public Task<RequestRemoteStopResponse> StopAsync(RequestRemoteStopRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        var cso = RequestFields.Party(PartyRole.Cso, request.OperatorId, "operator_id");
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        return writer.RelayAsync(
            context.Caller(),
            context.Method,
            requestId,
            request,
            RequestRemoteStopResponse.Parser,
            async cancellationToken =>
            {
                var client = new ChargingService.ChargingServiceClient(Channel(cso));
                var answer = await CallAsync(cso, () => client.StopSessionAsync(
                    new StopSessionRequest { RequestId = requestId, SessionId = sessionId },
                    deadline: Deadline(),
                    cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
                return new RequestRemoteStopResponse { CommandId = answer.CommandId, Session = answer.Session, ResultTimeout = answer.ResultTimeout };
            },
            context.CancellationToken);
    }

    /// <summary>The outcome of a command as the CSO pushed it; absent while pending.</summary>
    public async Task<GetCommandResultResponse> ResultAsync(GetCommandResultRequest request, ServerCallContext context)
    {
        var cso = RequestFields.Party(PartyRole.Cso, request.OperatorId, "operator_id");
        var commandId = RequestFields.LocalId(request.CommandId, "command_id");
        var record = await received.GetAsync(cso.PartyId, PushKinds.CommandResult.Name, commandId, context.CancellationToken).ConfigureAwait(false);
        return new GetCommandResultResponse { CommandResult = record is null ? null : CommandResult.Parser.ParseFrom(record.Payload) };
    }

    /// <summary>
    /// The authorization reference of a remote start: derived from this CSP and the app's request id alone (a
    /// name-based UUID), so that a retried start sends the CSO the same request and gets its first answer.
    /// </summary>
    public string AuthorizationReferenceOf(string requestId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"remote-start\n{endpoint.Identity}\n{requestId}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5 (name-based)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    // Only a token issued here that may charge now is started remotely: the command itself is the authorization.
    private async Task<Token> IssuedForStartAsync(TokenRef token, CancellationToken cancellationToken)
    {
        var row = await tokens.GetAsync((long)token.Type, token.Uid, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Removed)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownToken, $"token: no {ProtoEnumNames.Of(token.Type)} token {TokenValidator.Tail(token.Uid)} was issued here.", [new("field", "token")]);
        }

        var issued = Token.Parser.ParseFrom(row.Payload);
        if (!issued.Valid || (issued.ExpireTime is not null && issued.ExpireTime.ToDateTimeOffset() <= clock.GetUtcNow()))
        {
            throw RoamingErrors.Create(
                ErrorKind.WrongState,
                ErrorReason.WrongState,
                $"token {TokenValidator.Tail(token.Uid)} is {(issued.Valid ? "expired" : "blocked")}; it cannot start a session.",
                [new("field", "token")]);
        }

        return issued;
    }

    private static EvseId EvseIdOf(string value)
    {
        try
        {
            return EvseId.Parse(value);
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField("evse_id", string.IsNullOrEmpty(value) ? ErrorReason.MissingField : ErrorReason.InvalidIdentifier, ex.Message);
        }
    }

    private global::Grpc.Net.Client.GrpcChannel Channel(PartyIdentity cso)
    {
        var partner = directory.Find(cso);
        if (partner is null || !directory.IsAdmitted(cso))
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownParty, $"Operator {cso.PartyId} is not a partner of this endpoint.", [new("operator_id", cso.PartyId)]);
        }

        return directory.IsRegistered(cso) && EndpointSettings.TryParseHttpsUrl(partner.EndpointUrl, out var url)
            ? channels.Get(url, cso)
            : throw RoamingErrors.Create(ErrorKind.Unavailable, ErrorReason.PartnerUnavailable, $"Operator {cso.PartyId} has not completed the handshake yet; try again shortly.", [new("operator_id", cso.PartyId)]);
    }

    private DateTime Deadline() => CallDeadline.After(handshakeOptions.Value.CallTimeout);

    // The partner's refusal is relayed with its status code and reason PARTNER_REJECTED; transport failures are UNAVAILABLE.
    private static async Task<T> CallAsync<T>(PartyIdentity cso, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException ex) when (ErrorMapping.KindOf(ex.StatusCode) is null or ErrorKind.Unavailable or ErrorKind.DeadlineExceeded)
        {
            throw RoamingErrors.Create(ErrorKind.Unavailable, ErrorReason.PartnerUnavailable, $"Operator {cso.PartyId} did not answer ({ex.StatusCode}); retry with the same request_id.", [new("operator_id", cso.PartyId)]);
        }
        catch (RpcException ex) when (ErrorMapping.KindOf(ex.StatusCode) is { } kind)
        {
            var reason = ErrorMapping.ReasonOf(ex) ?? ErrorMapping.StatusName(ex.StatusCode);
            throw RoamingErrors.Create(kind, ErrorReason.PartnerRejected, $"Operator {cso.PartyId} refused: {ex.Status.Detail}", [new("operator_id", cso.PartyId), new("partner_reason", reason)]);
        }
    }
}
