using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// Reads the EMAID out of a vehicle's ISO 15118 contract certificate (UC3-3 Plug and Charge): the leaf's subject CN,
/// which must be a well-formed contract id, and the leaf must be within its validity. The CSO does not hold the V2G
/// PKI's roots, so it does not verify the chain; the home-CSP, which issued the contract, receives the chain with the
/// authorization request and decides.
/// </summary>
public static class ContractCertificate
{
    /// <summary>The EMAID of the leaf (first certificate) of a PEM chain; INVALID_ARGUMENT naming <paramref name="field"/> otherwise.</summary>
    public static ContractId Emaid(string pem, string field, DateTimeOffset now)
    {
        X509Certificate2 leaf;
        try
        {
            leaf = X509CertificateLoader.LoadCertificate(PemEncoding.TryFind(pem, out var fields)
                ? Convert.FromBase64String(pem[fields.Base64Data])
                : throw new CryptographicException("no PEM certificate found"));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"is not a PEM X.509 certificate chain ({ex.Message})");
        }

        using (leaf)
        {
            if (now < leaf.NotBefore.ToUniversalTime() || now >= leaf.NotAfter.ToUniversalTime())
            {
                throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"the contract certificate is not valid now (valid {leaf.NotBefore:u} to {leaf.NotAfter:u})");
            }

            var commonName = leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            try
            {
                return ContractId.Parse(commonName);
            }
            catch (InvalidIdentifierException ex)
            {
                throw RoamingErrors.InvalidField(field, ErrorReason.InvalidIdentifier, $"the contract certificate's subject CN '{commonName}' is not an EMAID: {ex.Message}");
            }
        }
    }
}
