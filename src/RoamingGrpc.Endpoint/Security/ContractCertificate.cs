using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// The EMAID binding of an ISO 15118 contract certificate (UC3-3): the subject common name of the chain's leaf.
/// This endpoint runs no ISO 15118 PKI: it checks neither the chain to a V2G or mobility-operator root, nor validity
/// or revocation of the contract certificate, only that the certificate names the EMAID being authorized.
/// </summary>
public static class ContractCertificate
{
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>
    /// The EMAID (canonical) the leaf of <paramref name="pem"/> is issued to, or null when its common name is not an
    /// EMAID. A value that holds no readable certificate is INVALID_ARGUMENT naming <paramref name="field"/>.
    /// </summary>
    public static string? Emaid(string pem, string field)
    {
        ArgumentNullException.ThrowIfNull(pem);
        using var leaf = Leaf(pem, field);
        foreach (var name in leaf.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (!name.HasMultipleElements && name.GetSingleElementType().Value == CommonNameOid)
            {
                return ContractId.TryParse(name.GetSingleElementValue(), out var emaid) ? emaid.ToString() : null;
            }
        }

        return null;
    }

    private static X509Certificate2 Leaf(string pem, string field)
    {
        // The first CERTIFICATE block is the leaf (the chain is sent leaf first).
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                try
                {
                    return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString()));
                }
                catch (CryptographicException ex)
                {
                    throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"the first certificate cannot be read: {ex.Message}");
                }
            }

            rest = rest[fields.Location.End..];
        }

        throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, "must hold the contract certificate chain in PEM (-----BEGIN CERTIFICATE-----), leaf first");
    }
}
