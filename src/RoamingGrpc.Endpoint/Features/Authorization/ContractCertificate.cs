using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Contracts.V1;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Endpoint.Errors;

namespace RoamingGrpc.Endpoint.Features.Authorization;

/// <summary>
/// The EMAID binding of an ISO 15118 contract certificate (UC3-3): the subject common name of the chain's leaf.
/// This endpoint runs no ISO 15118 PKI: it checks no chain to a V2G or mobility-operator root and no revocation. The
/// CSO takes the EMAID from a presented certificate (<see cref="PresentedEmaid"/>: well-formed, within validity) and
/// the home-CSP checks that the certificate names the EMAID it authorizes (<see cref="Emaid"/>).
/// </summary>
internal static class ContractCertificate
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

    /// <summary>
    /// The EMAID a vehicle presented (CSO side of UC3-3): the leaf must be within its validity at <paramref name="now"/>
    /// and name a well-formed EMAID; otherwise INVALID_ARGUMENT naming <paramref name="field"/>.
    /// </summary>
    public static ContractId PresentedEmaid(string pem, string field, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pem);
        using var leaf = Leaf(pem, field);
        if (now < leaf.NotBefore.ToUniversalTime() || now >= leaf.NotAfter.ToUniversalTime())
        {
            throw RoamingErrors.InvalidField(field, ErrorReason.InvalidField, $"the contract certificate is not valid now (valid {leaf.NotBefore.ToUniversalTime():u} to {leaf.NotAfter.ToUniversalTime():u})");
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
