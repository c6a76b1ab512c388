namespace RoamingGrpc.Domain.Parties;

/// <summary>The registry record after a handshake and what the handshake changed.</summary>
public sealed record PartnerRegistration(Partner Partner, RegistrationOutcome Outcome);
