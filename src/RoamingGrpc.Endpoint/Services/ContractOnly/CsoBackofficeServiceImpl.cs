using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// CsoBackofficeService (UC1-2, UC1-3, UC2-1, UC3-1, UC3-3, UC3-5, UC3-6, UC3-10, UC5-1: the CSO's local back-office API), hosted by the visited-CSO endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.OwnBackoffice)]
[ContractOnly("UC1-2, UC1-3, UC2-1, UC3-1, UC3-3, UC3-5, UC3-6, UC3-10, UC5-1")]
internal sealed class CsoBackofficeServiceImpl : CsoBackofficeService.CsoBackofficeServiceBase;
