using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Requests;

namespace RoamingGrpc.Endpoint.Features.Platform;

/// <summary>
/// Reads a <see cref="PlatformInfo"/> stated by a partner (in its handshake request or answer) into domain
/// details, failing with INVALID_ARGUMENT naming the first bad field.
/// </summary>
internal static class PlatformInfoReader
{
    /// <summary>Longest accepted display name.</summary>
    public const int MaxDisplayNameLength = 100;

    /// <summary>The details stated in <paramref name="info"/>; <paramref name="field"/> prefixes field names in errors.</summary>
    public static PartnerDetails Read(PlatformInfo? info, string field)
    {
        if (info is null)
        {
            throw RoamingErrors.MissingField(field);
        }

        var role = ProtoMapping.FromProto(info.Role);
        if (info.Role == Role.Unspecified)
        {
            throw RoamingErrors.MissingField($"{field}.role");
        }

        if (role is not (PartyRole.Cso or PartyRole.Csp))
        {
            throw RoamingErrors.InvalidField($"{field}.role", ErrorReason.InvalidField, "must be ROLE_CSO or ROLE_CSP");
        }

        var identity = RequestFields.Party(role.Value, info.PartyId, $"{field}.party_id");
        var url = RequestFields.HttpsUrl(info.EndpointUrl, $"{field}.endpoint_url");
        if (info.DisplayName.Length > MaxDisplayNameLength)
        {
            throw RoamingErrors.InvalidField($"{field}.display_name", ErrorReason.InvalidField, $"must be at most {MaxDisplayNameLength} characters");
        }

        var useCases = new List<PartnerUseCase>(info.UseCases.Count);
        for (var i = 0; i < info.UseCases.Count; i++)
        {
            var entry = $"{field}.use_cases[{i}]";
            var useCase = ProtoMapping.FromProto(info.UseCases[i])
                ?? throw RoamingErrors.InvalidField($"{entry}.use_case", ErrorReason.InvalidField, "must name one of the twenty use cases (not USE_CASE_UNSPECIFIED)");
            if (useCase.Versions.Count == 0 || useCase.Versions.Any(version => version.Length is 0 or > 16))
            {
                throw RoamingErrors.InvalidField($"{entry}.versions", ErrorReason.InvalidField, "must list at least one version such as \"v1\", each at most 16 characters");
            }

            if (useCases.Any(existing => existing.Code == useCase.Code))
            {
                throw RoamingErrors.InvalidField($"{entry}.use_case", ErrorReason.InvalidField, $"{useCase.Code} is listed twice");
            }

            useCases.Add(useCase);
        }

        if (!useCases.Any(useCase => useCase.Code == "UC1-1"))
        {
            throw RoamingErrors.InvalidField($"{field}.use_cases", ErrorReason.InvalidField, "must include USE_CASE_PLATFORM_AUTHENTICATION (UC1-1)");
        }

        return new PartnerDetails(identity, EndpointSettings.CanonicalUrl(url), info.DisplayName, useCases);
    }
}
