using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Endpoint.Features.Sites;

namespace RoamingGrpc.Endpoint.Features.Reservations;

/// <summary>
/// A checked CreateReservation request: the home-CSP, its token (provider filled in), what to reserve (one EVSE,
/// already located, or any suitable EVSE of <see cref="SiteId"/>), until when, and the CSP's references.
/// </summary>
internal sealed record NewReservation(
    string Provider,
    TokenRef Token,
    EvseLocation? Evse,
    string? SiteId,
    DateTimeOffset ExpiryTime,
    string AuthorizationReference,
    string RequestId);
