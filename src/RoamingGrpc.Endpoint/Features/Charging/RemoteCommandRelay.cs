using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Pushes;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Storage.PartnerData;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// The home-CSP side of UC3-2 / UC3-4: relays a user app's remote start or stop to the CSO that operates the EVSE
/// (found from the EVSE id's operator part), with the app's request_id so a retry is safe end to end, and answers the
/// outcome the CSO later pushed (CsoUpdateService.PushCommandResults).
/// </summary>
public sealed class RemoteCommandRelay(
    PartnerDirectory directory,
    PartnerChannelFactory channels,
    IReceivedRecords received,
    IOptions<RoamingEndpointOptions> options,
    TimeProvider clock)
{
    /// <summary>Sends StartSession to the EVSE's operator and relays its answer.</summary>
    public async Task<RequestRemoteStartResponse> StartAsync(RequestRemoteStartRequest request, TokenRef token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EvseId evseId;
        try
        {
            evseId = EvseId.Parse(request.EvseId);
        }
        catch (InvalidIdentifierException ex)
        {
            throw RoamingErrors.InvalidField("evse_id", string.IsNullOrEmpty(request.EvseId) ? ErrorReason.MissingField : ErrorReason.InvalidIdentifier, ex.Message);
        }

        var cso = PartyIdentity.Create(PartyRole.Cso, evseId.Operator.ToString());
        var authorizationReference = Guid.NewGuid().ToString();
        var client = new ChargingService.ChargingServiceClient(Channel(cso));
        var answer = await CallAsync(cso, () => client.StartSessionAsync(
            new StartSessionRequest
            {
                RequestId = request.RequestId,
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
            // A retried start returns the CSO's stored answer: its session carries the reference of the first try.
            AuthorizationReference = answer.Session?.AuthorizationReference ?? authorizationReference,
        };
    }

    /// <summary>Sends StopSession to the CSO running the session and relays its answer.</summary>
    public async Task<RequestRemoteStopResponse> StopAsync(RequestRemoteStopRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cso = RequestFields.Party(PartyRole.Cso, request.OperatorId, "operator_id");
        var sessionId = RequestFields.LocalId(request.SessionId, "session_id");
        var client = new ChargingService.ChargingServiceClient(Channel(cso));
        var answer = await CallAsync(cso, () => client.StopSessionAsync(
            new StopSessionRequest { RequestId = request.RequestId, SessionId = sessionId },
            deadline: Deadline(),
            cancellationToken: cancellationToken).ResponseAsync).ConfigureAwait(false);
        return new RequestRemoteStopResponse { CommandId = answer.CommandId, Session = answer.Session, ResultTimeout = answer.ResultTimeout };
    }

    /// <summary>The outcome of a command as the CSO pushed it; absent while pending.</summary>
    public async Task<GetCommandResultResponse> ResultAsync(GetCommandResultRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var cso = RequestFields.Party(PartyRole.Cso, request.OperatorId, "operator_id");
        var commandId = RequestFields.LocalId(request.CommandId, "command_id");
        var record = await received.GetAsync(cso.PartyId, PushKinds.CommandResult.Name, commandId, cancellationToken).ConfigureAwait(false);
        return new GetCommandResultResponse { CommandResult = record is null ? null : CommandResult.Parser.ParseFrom(record.Payload) };
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

    private DateTime Deadline() => clock.GetUtcNow().Add(options.Value.Handshake.CallTimeout).UtcDateTime;

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
