namespace RoamingGrpc.Endpoint.Features.Support;

/// <summary>
/// What an UnlockConnector request names, checked for syntax: the caller's session (UC5-2), or a failed activation
/// (UC5-3) at an EVSE and connector identified by the failed StartSession command or the authorization reference.
/// Empty strings stand for what the request does not name.
/// </summary>
internal sealed record UnlockTarget(
    string SessionId,
    string EvseId,
    string ConnectorId,
    string FailedCommandId,
    string AuthorizationReference);
