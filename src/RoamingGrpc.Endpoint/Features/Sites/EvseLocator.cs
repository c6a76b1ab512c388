using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Errors;
using RoamingGrpc.Storage.Sites;
using WriteContext = RoamingGrpc.Storage.WriteContext;

namespace RoamingGrpc.Endpoint.Features.Sites;

/// <summary>Finds an EVSE of this operator's published sites, with its site and connector, inside a write.</summary>
internal sealed class EvseLocator(ISiteRepository sites)
{
    /// <summary>
    /// The EVSE (with its site and, when <paramref name="connectorId"/> is given, that connector); NOT_FOUND /
    /// UNKNOWN_EVSE naming <paramref name="field"/>, or UNKNOWN_CONNECTOR.
    /// </summary>
    public EvseLocation Locate(WriteContext write, string evseId, string connectorId, string field)
    {
        var siteId = sites.SiteOfEvse(write, evseId);
        var site = siteId is null ? null : sites.Find(write, siteId);
        if (site is null || site.Removed)
        {
            throw RoamingErrors.Create(ErrorKind.NotFound, ErrorReason.UnknownEvse, $"{field}: EVSE {evseId} is not on any site of this operator.", [new("field", field), new("evse_id", evseId)]);
        }

        var published = Site.Parser.ParseFrom(site.Payload);
        var evse = published.Evses.Single(candidate => candidate.EvseId == evseId);
        Connector? connector = null;
        if (connectorId.Length > 0)
        {
            connector = evse.Connectors.FirstOrDefault(candidate => candidate.ConnectorId == connectorId)
                ?? throw RoamingErrors.Create(
                    ErrorKind.NotFound,
                    ErrorReason.UnknownConnector,
                    $"connector_id: EVSE {evseId} has no connector '{connectorId}' (it has {string.Join(", ", evse.Connectors.Select(c => c.ConnectorId))}).",
                    [new("field", "connector_id"), new("connector_id", connectorId)]);
        }

        return new EvseLocation(published, evse, connector);
    }
}
