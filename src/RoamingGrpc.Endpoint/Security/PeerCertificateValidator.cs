using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Validates partner certificates against the roaming CA only (custom root trust, never the system store):
/// chain, validity period, extended key usage for the direction, revocation list, and the role identity.
/// </summary>
internal sealed class PeerCertificateValidator(EndpointCredentials credentials, RevocationList revocations, TimeProvider clock)
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    /// <summary>Validates the certificate a client presented to this server.</summary>
    public PeerValidation ValidateClient(X509Certificate2? certificate) => Validate(certificate, ClientAuth);

    /// <summary>Validates the certificate a partner server presented to this endpoint acting as client.</summary>
    public PeerValidation ValidateServer(X509Certificate2? certificate) => Validate(certificate, ServerAuth);

    /// <summary>The checks that can change during a long-lived connection: revocation and validity period.</summary>
    public PeerValidation Recheck(X509Certificate2 certificate, PeerValidation earlier)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(earlier);
        if (revocations.IsRevoked(certificate.SerialNumber))
        {
            return PeerValidation.Invalid(PeerCertificateProblem.Revoked, $"certificate serial {certificate.SerialNumber} is revoked");
        }

        var now = clock.GetUtcNow();
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return PeerValidation.Invalid(PeerCertificateProblem.Expired, $"certificate is valid from {certificate.NotBefore:O} to {certificate.NotAfter:O}");
        }

        return earlier;
    }

    private PeerValidation Validate(X509Certificate2? certificate, Oid usage)
    {
        if (certificate is null)
        {
            return PeerValidation.Invalid(PeerCertificateProblem.Missing, "no certificate was presented");
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(credentials.TrustAnchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // revocation is our deny list, below
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.VerificationTime = clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (!chain.Build(certificate))
        {
            return ChainProblem(chain, usage);
        }

        if (revocations.IsRevoked(certificate.SerialNumber))
        {
            return PeerValidation.Invalid(PeerCertificateProblem.Revoked, $"certificate serial {certificate.SerialNumber} is revoked");
        }

        return CertificateIdentity.TryRead(certificate, out var identity, out var problem)
            ? PeerValidation.Valid(identity)
            : PeerValidation.Invalid(PeerCertificateProblem.NoIdentity, problem);
    }

    private static PeerValidation ChainProblem(X509Chain chain, Oid usage)
    {
        var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid)) != 0)
        {
            return PeerValidation.Invalid(PeerCertificateProblem.UntrustedChain, "certificate does not chain to this network's roaming CA");
        }

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            return PeerValidation.Invalid(PeerCertificateProblem.Expired, "certificate (or its CA) is outside its validity period");
        }

        if ((flags & X509ChainStatusFlags.NotValidForUsage) != 0)
        {
            return PeerValidation.Invalid(PeerCertificateProblem.WrongKeyUsage, $"certificate is not valid for {usage.FriendlyName}");
        }

        var statuses = string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation.Trim()));
        return PeerValidation.Invalid(PeerCertificateProblem.UntrustedChain, $"certificate chain is not valid: {statuses}");
    }
}
