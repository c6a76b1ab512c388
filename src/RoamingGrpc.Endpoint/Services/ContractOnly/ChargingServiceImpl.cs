using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// ChargingService (UC3-2, UC3-4, UC3-6: remote start/stop, sessions and the charging-information stream), hosted by the visited-CSO endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
[ContractOnly("UC3-2, UC3-4, UC3-6")]
internal sealed class ChargingServiceImpl : ChargingService.ChargingServiceBase;
