using RoamingGrpc.Contracts.V1;

namespace RoamingGrpc.Endpoint.Features.Charging;

/// <summary>
/// What starts a service session: the home-CSP, the token (provider filled in), where, how the user identified and how
/// the CSO got the authorization. <see cref="Remote"/> starts come from StartSession and open a START_SESSION command
/// for the station; local ones (PresentToken) wait for the station's STARTED. <see cref="ReservationId"/> names the
/// reservation a remote start uses (UC3-8); empty = the one holding the EVSE for this token, if any.
/// </summary>
internal sealed record PendingStart(
    string Provider,
    TokenRef Token,
    string EvseId,
    string ConnectorId,
    IdentificationMethod IdentificationMethod,
    AuthorizationMethod AuthorizationMethod,
    string AuthorizationReference,
    string RequestId,
    bool Remote,
    ChargePlanSpec? ChargePlan,
    string ReservationId = "");
