using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Services.ContractOnly;

/// <summary>
/// AuthorizationService (UC4-1, UC4-2: online authorization and token lists), hosted by the home-CSP endpoint. In contract v1 but not live in this build:
/// callers are authorized as for the live service, then every RPC answers UNIMPLEMENTED / USE_CASE_NOT_LIVE.
/// </summary>
[Callers(CallerPolicy.RegisteredPartner)]
[ContractOnly("UC4-1, UC4-2")]
internal sealed class AuthorizationServiceImpl : AuthorizationService.AuthorizationServiceBase;
