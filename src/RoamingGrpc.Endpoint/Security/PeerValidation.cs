using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>The outcome of validating a peer certificate: the identity it proves, or why it proves none.</summary>
internal sealed record PeerValidation(PartyIdentity? Identity, PeerCertificateProblem Problem, string Detail)
{
    /// <summary>True when the certificate is acceptable.</summary>
    public bool IsValid => Problem == PeerCertificateProblem.None;

    /// <summary>A successful validation.</summary>
    public static PeerValidation Valid(PartyIdentity identity) => new(identity, PeerCertificateProblem.None, string.Empty);

    /// <summary>A failed validation.</summary>
    public static PeerValidation Invalid(PeerCertificateProblem problem, string detail) => new(null, problem, detail);
}
