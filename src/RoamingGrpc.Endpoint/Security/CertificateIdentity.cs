using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Domain.Identifiers;
using RoamingGrpc.Domain.Parties;

namespace RoamingGrpc.Endpoint.Security;

/// <summary>
/// How a role and party id are written into a certificate: a subject alternative name URI
/// <c>urn:iec63119:&lt;role&gt;:&lt;party id&gt;</c>, e.g. <c>urn:iec63119:cso:DE*ABC</c>. The subject carries the
/// same facts readably (CN = party id, OU = role) but only the URI is authoritative.
/// </summary>
internal static class CertificateIdentity
{
    /// <summary>The scheme and namespace prefix of the identity URI.</summary>
    public const string UriPrefix = "urn:iec63119:";

    /// <summary>The identity URI for <paramref name="identity"/>.</summary>
    public static string ToUri(PartyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return UriPrefix + identity.Role.ToName() + ":" + identity.PartyId;
    }

    /// <summary>
    /// Reads the single identity URI of <paramref name="certificate"/>. Fails when there is none, more than one,
    /// or the party id is not valid for the role.
    /// </summary>
    public static bool TryRead(X509Certificate2 certificate, [NotNullWhen(true)] out PartyIdentity? identity, out string problem)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        identity = null;
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var uris = san is null
            ? []
            : ReadUris(san).Where(uri => uri.StartsWith(UriPrefix, StringComparison.Ordinal)).ToList();
        if (uris.Count != 1)
        {
            problem = uris.Count == 0
                ? $"the certificate has no '{UriPrefix}<role>:<party>' subject alternative name"
                : "the certificate names more than one role identity";
            return false;
        }

        var rest = uris[0][UriPrefix.Length..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !PartyRoles.TryParse(rest[..colon], out var role))
        {
            problem = $"the identity URI '{uris[0]}' does not name a role cso, csp or backoffice";
            return false;
        }

        try
        {
            identity = PartyIdentity.Create(role.Value, rest[(colon + 1)..]);
        }
        catch (InvalidIdentifierException ex)
        {
            problem = $"the identity URI '{uris[0]}' has an invalid party id: {ex.Message}";
            return false;
        }

        if (identity.PartyId != rest[(colon + 1)..])
        {
            problem = $"the identity URI '{uris[0]}' is not in canonical form";
            identity = null;
            return false;
        }

        problem = string.Empty;
        return true;
    }

    private static List<string> ReadUris(X509SubjectAlternativeNameExtension san)
    {
        // .NET reads DNS names and IP addresses from the extension; URIs need the raw ASN.1.
        var reader = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        var uris = new List<string>();
        while (sequence.HasData)
        {
            var tag = sequence.PeekTag();
            if (tag.HasSameClassAndValue(uriTag))
            {
                uris.Add(sequence.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                sequence.ReadEncodedValue();
            }
        }

        return uris;
    }
}
