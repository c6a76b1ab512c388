using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// EvseStatusService (UC1-3: EVSE status snapshot and resumable stream), hosted by the visited-CSO endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
[ContractOnly("UC1-3")]
internal sealed class EvseStatusServiceImpl : EvseStatusService.EvseStatusServiceBase;
