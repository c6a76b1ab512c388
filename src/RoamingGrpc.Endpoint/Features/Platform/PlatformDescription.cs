using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Hosting;
using RoamingGrpc.Endpoint.Mapping;

namespace RoamingGrpc.Endpoint.Features.Platform;

/// <summary>How this endpoint describes itself to partners in UC1-1: party, role, URL, live use cases.</summary>
internal sealed class PlatformDescription(EndpointSettings settings, IServer server)
{
    /// <summary>The URL partners reach this endpoint by (configured, or derived from the listening address).</summary>
    public Uri EndpointUrl => settings.PublicUrl ?? DerivedUrl();

    /// <summary>This endpoint's platform description.</summary>
    public PlatformInfo Describe()
    {
        var info = new PlatformInfo
        {
            PartyId = settings.Identity.PartyId,
            Role = ProtoMapping.ToProto(settings.Identity.Role),
            EndpointUrl = EndpointSettings.CanonicalUrl(EndpointUrl),
            DisplayName = settings.DisplayName,
        };
        info.UseCases.Add(LiveUseCases.For(settings.Identity.Role).Select(useCase => new UseCaseSupport
        {
            UseCase = (UseCase)useCase.Number,
            Versions = { LiveUseCases.ContractVersion },
        }));
        return info;
    }

    private Uri DerivedUrl()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(address => address.StartsWith("https://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The endpoint is not listening yet; set Roaming:PublicUrl.");
        var url = new UriBuilder(address) { Scheme = Uri.UriSchemeHttps };
        if (url.Host is "0.0.0.0" or "[::]" or "::" or "*" or "+")
        {
            url.Host = "localhost";
        }

        return url.Uri;
    }
}
