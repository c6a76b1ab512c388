using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>The connector an unlock is for, found from its target: EVSE, connector (empty if unknown) and the session concerned, if any.</summary>
internal sealed record UnlockSubject(string EvseId, string ConnectorId, Session? Session);
