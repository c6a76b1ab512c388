using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// CspBackofficeService (UC3-2, UC3-4, UC4-2: the CSP's local back-office API), hosted by the home-CSP endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.OwnBackoffice)]
[ContractOnly("UC3-2, UC3-4, UC4-2")]
internal sealed class CspBackofficeServiceImpl : CspBackofficeService.CspBackofficeServiceBase;
