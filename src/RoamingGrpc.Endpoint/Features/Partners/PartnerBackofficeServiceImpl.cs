using Grpc.Core;
using RoamingGrpc.Endpoint.Grpc;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Parties;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;
using RoamingGrpc.Endpoint.Partners;
using RoamingGrpc.Endpoint.Requests;
using RoamingGrpc.Endpoint.Security;
using RoamingGrpc.Storage.Partners;

namespace RoamingGrpc.Endpoint.Features.Partners;

/// <summary>UC1-1 administration for the endpoint's own back office: the registry, and handshakes on demand.</summary>
[Callers(CallerPolicy.OwnBackoffice)]
internal sealed class PartnerBackofficeServiceImpl(
    IPartnerRepository repository,
    PartnerDirectory directory,
    IPartnerHandshaker handshaker,
    ReachabilityTracker reachability,
    EndpointSettings endpoint) : PartnerBackofficeService.PartnerBackofficeServiceBase
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public override async Task<ListPartnersResponse> ListPartners(ListPartnersRequest request, ServerCallContext context)
    {
        var pageSize = Paging.PageSize(request.PageSize, DefaultPageSize, MaxPageSize);
        var after = Paging.DecodeCursor(request.PageToken);
        var all = await repository.ListAsync(context.CancellationToken).ConfigureAwait(false);
        var page = all.Where(partner => after is null || string.CompareOrdinal(partner.Identity.ToString(), after) > 0)
            .Take(pageSize + 1)
            .ToList();
        var response = new ListPartnersResponse { Partners = { page.Take(pageSize).Select(partner => ProtoMapping.ToProto(partner, reachability.Of(partner.Identity))) } };
        if (page.Count > pageSize)
        {
            response.NextPageToken = Paging.EncodeCursor(page[pageSize - 1].Identity.ToString());
        }

        return response;
    }

    public override async Task<RunHandshakeResponse> RunHandshake(RunHandshakeRequest request, ServerCallContext context)
    {
        var requestId = RequestFields.RequestId(request.RequestId);
        IEnumerable<Domain.Parties.Partner> targets;
        if (string.IsNullOrEmpty(request.PartyId))
        {
            targets = directory.All.Where(partner => partner.EndpointUrl is not null);
        }
        else
        {
            var identity = RequestFields.Party(endpoint.Identity.Role.Counterpart(), request.PartyId, "party_id");
            targets = [directory.Find(identity) ?? throw RoamingErrors.Create(
                ErrorKind.NotFound, ErrorReason.UnknownParty, $"{identity} is not in this endpoint's partner registry.")];
        }

        var response = new RunHandshakeResponse();
        foreach (var partner in targets.OrderBy(partner => partner.Identity.PartyId, StringComparer.Ordinal))
        {
            var result = new HandshakeResult { PartyId = partner.Identity.PartyId };
            try
            {
                var registration = await handshaker.HandshakeNowAsync(partner.Identity, requestId, context.CancellationToken).ConfigureAwait(false);
                result.Success = true;
                result.Partner = ProtoMapping.ToProto(registration.Partner, reachability.Of(partner.Identity));
            }
            catch (RpcException ex)
            {
                result.ErrorCode = ErrorMapping.StatusName(ex.StatusCode);
                result.ErrorReason = ErrorMapping.ReasonOf(ex) ?? string.Empty;
                result.ErrorMessage = ex.Status.Detail;
            }
            catch (PartnerUnreachableException ex)
            {
                result.ErrorCode = RoamingErrors.CodeName(ErrorKind.WrongState);
                result.ErrorMessage = ex.Message;
            }

            response.Results.Add(result);
        }

        return response;
    }
}
