namespace RoamingGrpc.Domain.Parties;

/// <summary>The registry record after a handshake, what the handshake changed, and the URL recorded before it.</summary>
public sealed record PartnerRegistration(Partner Partner, RegistrationOutcome Outcome, string? PreviousEndpointUrl);
