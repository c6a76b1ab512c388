using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Decides, on every call, who the caller is and whether it may call this service. The TLS handshake already
/// checked chain, validity and key usage; here the certificate is rechecked against the revocation list and its
/// validity period (connections outlive both), and the caller's role and registration against the service's
/// <see cref="CallersAttribute"/> (endpoint metadata: the attribute of our services, the one the host gives health
/// and reflection). Open streams are authorized again while they run (<see cref="CallerWatches"/>).
/// </summary>
internal sealed class CallerAuthorizer(PeerCertificateValidator validator, EndpointSettings settings, PartnerDirectory partners)
{
    // Kestrel keeps one certificate instance per connection: the full validation is done once per connection.
    private readonly ConditionalWeakTable<X509Certificate2, PeerValidation> _validated = [];

    /// <summary>Returns the caller's identity or throws UNAUTHENTICATED / PERMISSION_DENIED with the reason.</summary>
    public PartyIdentity Authorize(X509Certificate2? certificate, CallersAttribute? callers, string method)
    {
        if (certificate is null)
        {
            throw RoamingErrors.Unauthenticated(ErrorReason.CertificateInvalid, "A client certificate issued by the roaming CA is required.");
        }

        var validation = validator.Recheck(certificate, _validated.GetValue(certificate, validator.ValidateClient));
        if (!validation.IsValid)
        {
            var reason = validation.Problem == PeerCertificateProblem.Revoked ? ErrorReason.CertificateRevoked : ErrorReason.CertificateInvalid;
            throw RoamingErrors.Unauthenticated(reason, $"Client certificate refused: {validation.Detail}.");
        }

        var caller = validation.Identity!;
        var policy = callers?.Policy;
        if (policy == CallerPolicy.PartnerOrOwnBackoffice)
        {
            // Health and reflection: the endpoint's own back office, or a partner as below (before its handshake too).
            policy = IsOwnBackoffice(caller) ? CallerPolicy.OwnBackoffice : CallerPolicy.Partner;
        }

        switch (policy)
        {
            case CallerPolicy.OwnBackoffice:
                if (!IsOwnBackoffice(caller))
                {
                    throw RoleNotAllowed(caller, Role.Backoffice, $"{method} is this endpoint's back-office API and admits only backoffice:{settings.Identity.PartyId}; the caller is {caller}.");
                }

                return caller;
            case CallerPolicy.Partner or CallerPolicy.RegisteredPartner:
                var partnerRole = settings.Identity.Role.Counterpart();
                if (caller.Role != partnerRole)
                {
                    throw RoleNotAllowed(caller, ProtoMapping.ToProto(partnerRole), $"{method} is hosted by a {settings.Identity.Role.ToName()} endpoint and admits {partnerRole.ToName()} callers; the caller is {caller}.");
                }

                if (!partners.IsAdmitted(caller))
                {
                    throw RoamingErrors.Create(
                        ErrorKind.Forbidden,
                        ErrorReason.UnknownParty,
                        $"{caller} is not a partner of {settings.Identity}; its operator must add it to Roaming:Partners.",
                        [new("party_id", caller.PartyId)]);
                }

                if (policy == CallerPolicy.RegisteredPartner && !partners.IsRegistered(caller))
                {
                    throw RoamingErrors.Create(
                        ErrorKind.WrongState,
                        ErrorReason.PartnerNotRegistered,
                        $"{caller} has not completed the platform handshake with {settings.Identity}; call PlatformService.Handshake first.",
                        [new("party_id", caller.PartyId)]);
                }

                return caller;
            default:
                throw RoamingErrors.PermissionDenied(ErrorReason.RoleNotAllowed, $"{method} admits no callers on this endpoint.");
        }
    }

    private bool IsOwnBackoffice(PartyIdentity caller) =>
        caller.Role == PartyRole.Backoffice && caller.PartyId == settings.Identity.PartyId;

    private static RoamingException RoleNotAllowed(PartyIdentity caller, Role allowed, string message) =>
        RoamingErrors.Create(
            ErrorKind.Forbidden,
            ErrorReason.RoleNotAllowed,
            message,
            [new("role", ProtoEnumNames.Of(ProtoMapping.ToProto(caller.Role))), new("allowed_roles", ProtoEnumNames.Of(allowed))]);
}
