using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// SupportService (UC5-1, UC5-2, UC5-3: maintenance notices and emergency unlocking), hosted by the visited-CSO endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
[ContractOnly("UC5-1, UC5-2, UC5-3")]
internal sealed class SupportServiceImpl : SupportService.SupportServiceBase;
