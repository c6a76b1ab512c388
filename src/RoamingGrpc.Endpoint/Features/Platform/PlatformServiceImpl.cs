using Grpc.Core;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Features.Partners;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Endpoint.Idempotency;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Partners;
using DomainRegistration = RoamingGrpc.Domain.Parties.PartnerRegistration;

namespace RoamingGrpc.Endpoint.Features.Platform;

/// <summary>
/// UC1-1 platform authentication, hosted by every endpoint for partners of the opposite role. The stated party
/// and role must be the certificate's; the party must be admitted (a configured partner, checked by
/// <see cref="CallerAuthorizer"/>); the registry records the partner idempotently.
/// </summary>
[Callers(CallerPolicy.Partner)]
internal sealed class PlatformServiceImpl(
    PlatformDescription description,
    IdempotentWriter writer,
    IPartnerRepository partners,
    PartnerDirectory directory,
    IPartnerHandshaker handshaker,
    StatedUrlPolicy urls,
    ReachabilityTracker reachability,
    TimeProvider clock) : PlatformService.PlatformServiceBase
{
    public override Task<GetPlatformInfoResponse> GetPlatformInfo(GetPlatformInfoRequest request, ServerCallContext context) =>
        Task.FromResult(new GetPlatformInfoResponse { Platform = description.Describe() });

    public override async Task<HandshakeResponse> Handshake(HandshakeRequest request, ServerCallContext context)
    {
        var caller = context.Caller();
        var requestId = RequestFields.RequestId(request.RequestId);
        var details = PlatformInfoReader.Read(request.Caller, "caller");
        if (details.Identity != caller)
        {
            throw RoamingErrors.Create(
                ErrorKind.Forbidden,
                ErrorReason.PartyMismatch,
                $"caller states {details.Identity}, but the client certificate is issued to {caller}; a party can only register itself.",
                [new("field", "caller.party_id"), new("certificate_party_id", caller.PartyId)]);
        }

        // Where we will call the partner: its configured URL, or the stated one if it is allowed for the partner.
        details = details with { EndpointUrl = urls.UrlToRecord(caller, details.EndpointUrl, context.CallerCertificate(), "caller.endpoint_url") };

        DomainRegistration? registration = null;
        var response = await writer.ExecuteAsync(
            caller,
            context.Method,
            requestId,
            request,
            HandshakeResponse.Parser,
            write =>
            {
                registration = partners.RecordInboundHandshake(write, details, clock.GetUtcNow());
                return new HandshakeResponse
                {
                    Platform = description.Describe(),
                    Registration = ProtoMapping.ToProto(registration),
                };
            },
            context.CancellationToken).ConfigureAwait(false);

        if (registration is not null)
        {
            // A partner we gave up on is back (or says so): every loop may try it once more.
            var wasFailing = reachability.Of(caller).IsFailing;
            reachability.Revive(caller);
            directory.Update(registration.Partner);
            if (registration.Partner.OutboundHandshakeTime is null || registration.PreviousEndpointUrl != registration.Partner.EndpointUrl || wasFailing)
            {
                // The partner told us (possibly for the first time) where it is, or we could not reach it: register
                // with it in turn.
                handshaker.Request(caller);
            }
        }

        return response;
    }
}
