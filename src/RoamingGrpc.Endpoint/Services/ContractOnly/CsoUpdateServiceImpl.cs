using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// CsoUpdateService (UC1-2, UC2-1, UC3-1, UC3-5, UC3-9, UC3-10, UC5-1: receiver of the CSO's durable pushes), hosted by the home-CSP endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
[ContractOnly("UC1-2, UC2-1, UC3-1, UC3-5, UC3-9, UC3-10, UC5-1")]
internal sealed class CsoUpdateServiceImpl : CsoUpdateService.CsoUpdateServiceBase;
