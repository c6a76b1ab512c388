using Google.Protobuf.WellKnownTypes;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.UseCases;
using ProtoRegistration = RoamingGrpc.Contracts.V1.PartnerRegistration;
using ProtoOutcome = RoamingGrpc.Contracts.V1.RegistrationOutcome;

namespace RoamingGrpc.Endpoint.Mapping;

/// <summary>Conversions between domain values and contract messages.</summary>
internal static class ProtoMapping
{
    /// <summary>The contract role of a domain role.</summary>
    public static Role ToProto(PartyRole role) => role switch
    {
        PartyRole.Cso => Role.Cso,
        PartyRole.Csp => Role.Csp,
        PartyRole.Backoffice => Role.Backoffice,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown party role."),
    };

    /// <summary>The domain role of a contract role, or null for UNSPECIFIED and roles this version does not serve.</summary>
    public static PartyRole? FromProto(Role role) => role switch
    {
        Role.Cso => PartyRole.Cso,
        Role.Csp => PartyRole.Csp,
        Role.Backoffice => PartyRole.Backoffice,
        _ => null,
    };

    /// <summary>The domain form of a stated use case list; null entries are UNSPECIFIED or unknown values.</summary>
    public static PartnerUseCase? FromProto(UseCaseSupport support)
    {
        ArgumentNullException.ThrowIfNull(support);
        var info = UseCaseCatalog.ByNumber((int)support.UseCase);
        return info is null ? null : new PartnerUseCase(info.Code, [.. support.Versions]);
    }

    /// <summary>The contract form of a use case a partner supports.</summary>
    public static UseCaseSupport ToProto(PartnerUseCase useCase)
    {
        ArgumentNullException.ThrowIfNull(useCase);
        var info = UseCaseCatalog.ByCode(useCase.Code)
            ?? throw new ArgumentException($"Unknown use case code {useCase.Code}.", nameof(useCase));
        return new UseCaseSupport { UseCase = (UseCase)info.Number, Versions = { useCase.Versions } };
    }

    /// <summary>A registry record as the back office sees it, with how this endpoint's calls to the partner fare.</summary>
    public static Contracts.V1.Partner ToProto(Domain.Parties.Partner partner, Partners.Reachability reachability)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentNullException.ThrowIfNull(reachability);
        var proto = new Contracts.V1.Partner
        {
            PartyId = partner.Identity.PartyId,
            Role = ToProto(partner.Identity.Role),
            EndpointUrl = partner.EndpointUrl ?? string.Empty,
            DisplayName = partner.DisplayName,
            UseCases = { partner.UseCases.Select(ToProto) },
            Status = partner.Status == Domain.Parties.PartnerStatus.Registered ? Contracts.V1.PartnerStatus.Registered : Contracts.V1.PartnerStatus.Configured,
            CreateTime = Timestamp.FromDateTimeOffset(partner.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(partner.UpdateTime),
        };
        if (partner.InboundHandshakeTime is { } inbound)
        {
            proto.InboundHandshakeTime = Timestamp.FromDateTimeOffset(inbound);
        }

        if (partner.OutboundHandshakeTime is { } outbound)
        {
            proto.OutboundHandshakeTime = Timestamp.FromDateTimeOffset(outbound);
        }

        proto.Reachability = ToProto(reachability);
        return proto;
    }

    /// <summary>How this endpoint's calls to a partner fare, as the back office sees it.</summary>
    public static PartnerReachability ToProto(Partners.Reachability reachability)
    {
        ArgumentNullException.ThrowIfNull(reachability);
        var proto = new PartnerReachability
        {
            State = reachability.State switch
            {
                Partners.ReachabilityState.Unknown => Contracts.V1.ReachabilityState.Unknown,
                Partners.ReachabilityState.Reachable => Contracts.V1.ReachabilityState.Reachable,
                Partners.ReachabilityState.Failing => Contracts.V1.ReachabilityState.Failing,
                Partners.ReachabilityState.Unreachable => Contracts.V1.ReachabilityState.Unreachable,
                _ => throw new ArgumentOutOfRangeException(nameof(reachability), reachability.State, "Unknown reachability state."),
            },
            ConsecutiveFailures = reachability.ConsecutiveFailures,
            LastErrorCode = reachability.LastErrorCode,
            LastErrorMessage = reachability.LastErrorMessage,
        };
        proto.LastAttemptTime = Optional(reachability.LastAttemptTime);
        proto.LastSuccessTime = Optional(reachability.LastSuccessTime);
        proto.FailingSinceTime = Optional(reachability.FailingSinceTime);
        proto.NextAttemptTime = Optional(reachability.NextAttemptTime);
        return proto;
    }

    private static Timestamp? Optional(DateTimeOffset? time) => time is { } value ? Timestamp.FromDateTimeOffset(value) : null;

    /// <summary>How a registry record is reported back to the partner.</summary>
    public static ProtoRegistration ToProto(Domain.Parties.PartnerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var partner = registration.Partner;
        return new ProtoRegistration
        {
            PartyId = partner.Identity.PartyId,
            Role = ToProto(partner.Identity.Role),
            EndpointUrl = partner.EndpointUrl ?? string.Empty,
            DisplayName = partner.DisplayName,
            UseCases = { partner.UseCases.Select(ToProto) },
            CreateTime = Timestamp.FromDateTimeOffset(partner.CreateTime),
            UpdateTime = Timestamp.FromDateTimeOffset(partner.UpdateTime),
            Outcome = registration.Outcome switch
            {
                Domain.Parties.RegistrationOutcome.Created => ProtoOutcome.Created,
                Domain.Parties.RegistrationOutcome.Updated => ProtoOutcome.Updated,
                _ => ProtoOutcome.Unchanged,
            },
        };
    }
}
