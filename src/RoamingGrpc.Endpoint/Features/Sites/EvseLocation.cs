using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Features.Sites;

/// <summary>An EVSE with the site it is on (as published), and the connector a session uses, if known.</summary>
internal sealed record EvseLocation(Site Site, Evse Evse, Connector? Connector);
