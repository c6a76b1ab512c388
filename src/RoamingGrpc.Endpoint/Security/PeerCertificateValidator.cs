using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Validates partner certificates against the roaming CA only (custom root trust, never the system store):
/// chain, validity period (on the endpoint's clock), extended key usage for the direction, revocation list, and the
/// role identity. The extended key usage extension is required: .NET (as RFC 5280) takes a certificate without it
/// for "any purpose", but every certificate of the network states its usages (our CA always adds them), so one
/// without them was not issued for this network's TLS and is refused.
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
        if (now > certificate.NotAfter.ToUniversalTime())
        {
            return PeerValidation.Invalid(PeerCertificateProblem.Expired, $"certificate expired at {certificate.NotAfter.ToUniversalTime():O}");
        }

        if (now < certificate.NotBefore.ToUniversalTime())
        {
            return PeerValidation.Invalid(PeerCertificateProblem.Expired, $"certificate is not valid before {certificate.NotBefore.ToUniversalTime():O}");
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

        // The chain policy above accepts a certificate without the extension for any usage; the network requires it.
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToList();
        if (usages.Count == 0)
        {
            return PeerValidation.Invalid(PeerCertificateProblem.WrongKeyUsage, $"certificate has no extended key usage extension; {usage.FriendlyName} is required");
        }

        if (!usages.SelectMany(extension => extension.EnhancedKeyUsages.Cast<Oid>()).Any(oid => oid.Value == usage.Value))
        {
            return PeerValidation.Invalid(PeerCertificateProblem.WrongKeyUsage, $"certificate is not valid for {usage.FriendlyName}");
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
