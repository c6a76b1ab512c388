using Grpc.Core;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Charging;
using RoamingGrpc.Endpoint.Features.Navigation;
using RoamingGrpc.Endpoint.Features.Tokens;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Features.Backoffice;

/// <summary>
/// The CSP's local back-office API, for the provider's own systems and user apps (backoffice certificate of this
/// party): each RPC is served by its use case's feature.
/// </summary>
[Callers(CallerPolicy.OwnBackoffice)]
internal sealed class CspBackofficeServiceImpl(TokenBackoffice tokens, RemoteCommands commands, EvseFinder finder) : CspBackofficeService.CspBackofficeServiceBase
{
    public override Task<IssueTokenResponse> IssueToken(IssueTokenRequest request, ServerCallContext context) => tokens.IssueTokenAsync(request, context);

    public override Task<UpdateTokenResponse> UpdateToken(UpdateTokenRequest request, ServerCallContext context) => tokens.UpdateTokenAsync(request, context);

    public override Task<BlockTokenResponse> BlockToken(BlockTokenRequest request, ServerCallContext context) => tokens.BlockTokenAsync(request, context);

    public override Task<ListIssuedTokensResponse> ListIssuedTokens(ListIssuedTokensRequest request, ServerCallContext context) => tokens.ListIssuedTokensAsync(request, context);

    public override Task<RequestRemoteStartResponse> RequestRemoteStart(RequestRemoteStartRequest request, ServerCallContext context) => commands.StartAsync(request, context);

    public override Task<RequestRemoteStopResponse> RequestRemoteStop(RequestRemoteStopRequest request, ServerCallContext context) => commands.StopAsync(request, context);

    public override Task<GetCommandResultResponse> GetCommandResult(GetCommandResultRequest request, ServerCallContext context) => commands.ResultAsync(request, context);

    public override Task<FindEvsesResponse> FindEvses(FindEvsesRequest request, ServerCallContext context) => finder.FindAsync(request, context.CancellationToken);
}
