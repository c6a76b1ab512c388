using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Domain.UseCases;

namespace RoamingGrpc.Endpoint.Features.Platform;

/// <summary>
/// Which use cases this build serves end to end (all twenty of IEC 63119-2 now). A use case added to the contract
/// before it is implemented stays off this list; its RPCs answer UNIMPLEMENTED (reason USE_CASE_NOT_LIVE, see
/// ErrorInterceptor). Handshakes advertise exactly this list.
/// </summary>
internal static class LiveUseCases
{
    /// <summary>The contract version string advertised for each live use case.</summary>
    public const string ContractVersion = "v1";

    private static readonly string[] Live = ["UC1-1", "UC1-2", "UC1-3", "UC2-1", "UC2-2", "UC3-1", "UC3-2", "UC3-3", "UC3-4", "UC3-5", "UC3-6", "UC3-7", "UC3-8", "UC3-9", "UC3-10", "UC4-1", "UC4-2", "UC5-1", "UC5-2", "UC5-3"];

    /// <summary>The live use cases of an endpoint in <paramref name="role"/>.</summary>
    public static IReadOnlyList<UseCaseInfo> For(PartyRole role) =>
        [.. UseCaseCatalog.All.Where(useCase => Live.Contains(useCase.Code))];

    /// <summary>True when <paramref name="code"/> is live in this build.</summary>
    public static bool IsLive(string code) => Live.Contains(code);
}
