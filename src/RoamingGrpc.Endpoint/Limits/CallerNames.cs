using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using RoamingGrpc.Endpoint.Security;

namespace RoamingGrpc.Endpoint.Limits;

/// <summary>
/// The name a caller is counted and logged under before the call is authorized: the role and party its certificate
/// names (several certificates of one partner count together), read once per certificate (Kestrel keeps one instance
/// per connection).
/// </summary>
internal sealed class CallerNames
{
    private readonly ConditionalWeakTable<X509Certificate2, string> _names = [];

    /// <summary>E.g. <c>csp:DE-8EO</c>; <c>(no certificate)</c> off the partner listener.</summary>
    public string Of(X509Certificate2? certificate) =>
        certificate is null
            ? "(no certificate)"
            : _names.GetValue(certificate, static certificate =>
                CertificateIdentity.TryRead(certificate, out var identity, out _) ? identity.ToString() : "(certificate " + certificate.Thumbprint + ")");
}
