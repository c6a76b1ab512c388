using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Features.Authorization;

/// <summary>
/// The CSO's decision on a presented token (see <see cref="TokenAuthorizer"/>).
/// </summary>
/// <param name="Status">ALLOWED, BLOCKED, EXPIRED, NO_CREDIT or NOT_ALLOWED.</param>
/// <param name="Method">
/// ONLINE when the home-CSP answered; OFFLINE_LIST when the decision was taken here (from the CSP's list, or
/// because no registered home-CSP was found).
/// </param>
/// <param name="ProviderId">The home-CSP's provider id; empty if no registered CSP was found.</param>
/// <param name="AuthorizationReference">The CSP's reference; empty unless the CSP answered ALLOWED online.</param>
/// <param name="Token">The CSP's record of the token (online answer or list entry, uid filled in), if any.</param>
/// <param name="Limits">Limits the CSP set; null = none.</param>
/// <param name="Info">Messages for the user from the CSP, one per language.</param>
internal sealed record AuthorizationDecision(
    AuthorizationStatus Status,
    AuthorizationMethod Method,
    string ProviderId,
    string AuthorizationReference,
    Token? Token,
    AuthorizationLimits? Limits,
    IReadOnlyList<DisplayText> Info);
