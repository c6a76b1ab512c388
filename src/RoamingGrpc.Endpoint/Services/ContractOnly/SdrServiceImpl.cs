using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// SdrService (UC3-9: service detail records), hosted by the visited-CSO endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
[ContractOnly("UC3-9")]
internal sealed class SdrServiceImpl : SdrService.SdrServiceBase;
